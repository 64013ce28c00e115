-- Every e-mail the shop sends is queued here in the transaction of the change it reports, and
-- sent by a background worker with retries. A worker claims a message by setting a claim
-- token and a lease; SQLite writes one transaction at a time, so two workers never claim the
-- same row. A sent message keeps only its envelope: its bodies (which may hold a
-- one-time link) are cleared.

CREATE TABLE mail_queue (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    to_address      TEXT   NOT NULL,
    subject         TEXT   NOT NULL,
    text_body       TEXT   NOT NULL,
    html_body       TEXT   NOT NULL,
    state           TEXT   NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    claim_token     TEXT,
    claimed_until   INTEGER NOT NULL DEFAULT 0,
    sent_at         INTEGER
);

CREATE INDEX mail_queue_due ON mail_queue (state, next_attempt_at);
CREATE INDEX mail_queue_by_time ON mail_queue (created_at);
