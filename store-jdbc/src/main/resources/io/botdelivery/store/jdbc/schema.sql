-- The table of every store on store-jdbc. ${timestamp}, ${text} and ${identity} are the dialect's types
-- (SqlDialect); everything else is plain SQL every supported database takes. Comments are removed, the rest is
-- split at semicolons, and each statement runs at every start, so each must be safe to run again.
CREATE TABLE IF NOT EXISTS delivery (
    -- creation order: the tie-breaker when created_at is equal, and what "earlier" means for ordering keys
    seq                  ${identity},
    id                   CHAR(36)      NOT NULL PRIMARY KEY,
    idempotency_key      VARCHAR(200)  NOT NULL UNIQUE,
    request_chat_id      BIGINT        NOT NULL,
    payload_kind         VARCHAR(32)   NOT NULL,
    business_reference   VARCHAR(200),
    ordering_key         VARCHAR(200),
    priority             SMALLINT      NOT NULL,
    on_ambiguous         VARCHAR(16)   NOT NULL,
    allow_paid_broadcast BOOLEAN       NOT NULL,
    -- delivery-codec's PayloadCodec: {"v": <format version>, "kind": ...}
    payload              ${text}       NOT NULL,
    status               VARCHAR(16)   NOT NULL,
    chat_id              BIGINT        NOT NULL,
    attempts             INTEGER       NOT NULL,
    delivered_items      INTEGER       NOT NULL,
    -- Telegram message ids received so far, comma-separated (no array type is portable)
    message_ids          ${text},
    last_error           ${text},
    last_error_class     VARCHAR(32),
    next_attempt_at      ${timestamp},
    lease_owner          VARCHAR(200),
    lease_until          ${timestamp},
    -- when a worker may claim it: next_attempt_at while PENDING, lease_until while IN_FLIGHT, NULL once final; one
    -- column so that due work, new, rescheduled or abandoned by a crashed worker, is one range of one index
    due_at               ${timestamp},
    created_at           ${timestamp}  NOT NULL,
    updated_at           ${timestamp}  NOT NULL,
    finished_at          ${timestamp},
    notified_at          ${timestamp},
    send_started         BOOLEAN       NOT NULL
);
CREATE INDEX IF NOT EXISTS delivery_due_idx ON delivery (status, due_at);
CREATE INDEX IF NOT EXISTS delivery_ordering_idx ON delivery (ordering_key, status);
CREATE INDEX IF NOT EXISTS delivery_finished_idx ON delivery (status, finished_at);
