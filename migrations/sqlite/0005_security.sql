-- Rate limits, browsers known to an account, sign-ups waiting for their e-mail confirmation,
-- and expiring guest order grants. Times are unix seconds, except the rate limits' (ms).

-- One row per counter: its theoretical arrival time (the generic cell rate algorithm).
CREATE TABLE rate_limits (
    key TEXT   PRIMARY KEY,
    tat BIGINT NOT NULL
);

-- Failed sign-ins are counted in rate_limits now, per account and per client address.
DROP TABLE failed_sign_ins;

-- A browser that has signed in to an account: its failed sign-ins are counted apart from a
-- stranger's, so guessing at an account never locks its owner out.
-- One browser may be known to several accounts (a shared computer).
CREATE TABLE known_browsers (
    token_hash  TEXT    NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    expires_at  BIGINT  NOT NULL,
    PRIMARY KEY (token_hash, customer_id)
);

-- A sign-up becomes an account only through the link e-mailed to its address, so the form
-- answers the same whether or not the address already has an account.
CREATE TABLE pending_sign_ups (
    token_hash    TEXT   PRIMARY KEY,
    email         TEXT   NOT NULL,
    name          TEXT   NOT NULL,
    password_hash TEXT   NOT NULL,
    return_to     TEXT   NOT NULL,
    expires_at    BIGINT NOT NULL
);

ALTER TABLE order_grants ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
UPDATE order_grants SET expires_at = granted_at + 7776000;

CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX order_grants_by_expiry ON order_grants (expires_at);
