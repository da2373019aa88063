-- Views for what the seed's operators ran by hand. Examples in store-postgres/README.md.

-- Waiting work: PENDING with its next attempt, and IN_FLIGHT with the worker holding it.
CREATE VIEW pending_deliveries AS
SELECT id,
       status,
       chat_id,
       business_reference,
       payload_kind,
       CASE priority WHEN 0 THEN 'HIGH' WHEN 1 THEN 'NORMAL' ELSE 'LOW' END AS priority,
       attempts,
       next_attempt_at,
       lease_owner,
       lease_until,
       last_error,
       last_error_class,
       created_at,
       now() - created_at AS waiting_for
  FROM delivery
 WHERE status IN ('PENDING', 'IN_FLIGHT')
 ORDER BY next_attempt_at, created_at;

-- Failures needing a human, newest first; alert_sent tells whether the admin was notified yet.
CREATE VIEW failed_deliveries AS
SELECT id,
       chat_id,
       request_chat_id,
       business_reference,
       payload_kind,
       attempts,
       last_error_class,
       last_error,
       failed_at,
       notified_at,
       notified_at IS NOT NULL AS alert_sent,
       created_at
  FROM delivery
 WHERE status = 'FAILED'
 ORDER BY failed_at DESC;

-- Counts and percentages by status.
CREATE VIEW delivery_status_counts AS
SELECT status,
       count(*) AS count,
       round(count(*) * 100.0 / sum(count(*)) OVER (), 2) AS percentage,
       min(created_at) AS oldest_created_at
  FROM delivery
 GROUP BY status
 ORDER BY status;
