-- The durable delivery queue (grown from the seed's media_retry_queue).
-- Every accepted delivery is a row here from before its first attempt until it is DELIVERED, FAILED or CANCELLED.
-- The store sets search_path to its schema, so names here are unqualified.

CREATE TABLE delivery (
    id                   uuid        PRIMARY KEY,
    -- creation order, the tie-breaker when created_at is equal (and what "earlier" means for ordering keys)
    seq                  bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    idempotency_key      text        NOT NULL UNIQUE,

    -- the request, in columns an operator can query ...
    request_chat_id      bigint      NOT NULL,
    payload_kind         text        NOT NULL,
    business_reference   text,
    ordering_key         text,
    priority             smallint    NOT NULL CHECK (priority BETWEEN 0 AND 2),  -- 0 HIGH, 1 NORMAL, 2 LOW
    on_ambiguous         text        NOT NULL,
    allow_paid_broadcast boolean     NOT NULL,
    -- ... and the payload itself: {"v": <format version>, "kind": ..., ...}; see PayloadJson
    payload              jsonb       NOT NULL,

    -- progress
    status               text        NOT NULL CHECK (status IN ('PENDING', 'IN_FLIGHT', 'DELIVERED', 'FAILED', 'CANCELLED')),
    chat_id              bigint      NOT NULL,                 -- current target (after a group migrated)
    attempts             integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    delivered_items      integer     NOT NULL DEFAULT 0 CHECK (delivered_items >= 0),  -- album items already delivered
    message_ids          bigint[]    NOT NULL DEFAULT '{}',    -- Telegram message ids received so far
    last_error           text,
    last_error_class     text,                                 -- io.botdelivery.api.FailureClass

    -- scheduling and leases
    next_attempt_at      timestamptz,                          -- when it is due while PENDING; NULL once final
    lease_owner          text,                                 -- the worker holding it (IN_FLIGHT, or FAILED with its alert leased)
    lease_until          timestamptz,
    -- when a worker may claim it: next_attempt_at while PENDING, lease_until while IN_FLIGHT, NULL otherwise.
    -- One column so that "due work" is one range in one index, whether new, rescheduled or abandoned by a crashed worker.
    due_at               timestamptz,

    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    delivered_at         timestamptz,
    failed_at            timestamptz,
    cancelled_at         timestamptz,
    notified_at          timestamptz,                          -- the admin alert about the failure was sent

    CHECK ((status IN ('PENDING', 'IN_FLIGHT')) = (due_at IS NOT NULL)),
    CHECK (status <> 'IN_FLIGHT' OR (lease_owner IS NOT NULL AND lease_until IS NOT NULL))
);

COMMENT ON TABLE delivery IS 'bot-delivery: every accepted delivery, from before its first attempt until it is final';
COMMENT ON COLUMN delivery.due_at IS 'when a worker may claim it: next_attempt_at while PENDING, lease_until while IN_FLIGHT';
COMMENT ON COLUMN delivery.payload IS 'versioned JSON: {"v": 1, "kind": ...}; an unreadable payload moves the row to FAILED (UNREADABLE)';

-- Due work: the claim query walks this partial index in claim order and stops after a batch. Final rows (the vast
-- majority after a while) are not in it, so it stays small however large the table grows.
CREATE INDEX delivery_due_idx ON delivery (priority, due_at, created_at, seq)
    WHERE status IN ('PENDING', 'IN_FLIGHT');

-- "Is an earlier delivery with my ordering key still unfinished?"
CREATE INDEX delivery_ordering_idx ON delivery (ordering_key, created_at, seq)
    WHERE ordering_key IS NOT NULL AND status IN ('PENDING', 'IN_FLIGHT');

-- Owed admin alerts (the notification outbox).
CREATE INDEX delivery_unnotified_idx ON delivery (failed_at, seq)
    WHERE status = 'FAILED' AND notified_at IS NULL;

-- Recent failures, newest first.
CREATE INDEX delivery_failed_idx ON delivery (failed_at DESC, seq DESC)
    WHERE status = 'FAILED';

-- Counts by status and the oldest waiting delivery.
CREATE INDEX delivery_status_idx ON delivery (status, created_at);

-- Operators look deliveries up by order id.
CREATE INDEX delivery_business_reference_idx ON delivery (business_reference)
    WHERE business_reference IS NOT NULL;
