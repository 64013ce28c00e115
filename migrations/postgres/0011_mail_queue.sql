-- Every e-mail the shop sends is queued here in the transaction of the change it reports, and
-- sent by a background worker with retries. A worker claims a message by setting a claim
-- token and a lease; several servers never claim the same row at once (SKIP LOCKED). A sent
-- message keeps only its envelope: its bodies (which may hold a one-time link) are cleared.

CREATE TABLE mail_queue (
    id              BIGSERIAL PRIMARY KEY,
    to_address      TEXT   NOT NULL,
    subject         TEXT   NOT NULL,
    text_body       TEXT   NOT NULL,
    html_body       TEXT   NOT NULL,
    state           TEXT   NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claim_token     TEXT,
    claimed_until   BIGINT NOT NULL DEFAULT 0,
    sent_at         BIGINT
);

CREATE INDEX mail_queue_due ON mail_queue (state, next_attempt_at);
CREATE INDEX mail_queue_by_time ON mail_queue (created_at);
