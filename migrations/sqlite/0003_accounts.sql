-- Customer accounts, their sessions (any server instance can serve any request), and failed
-- sign-ins for slowing down password guessing. Times are unix seconds.

CREATE TABLE customers (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

-- Only a hash of each session token is stored: a leaked table opens no sessions.
CREATE TABLE sessions (
    token_hash  TEXT    PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE INDEX sessions_by_customer ON sessions (customer_id);

CREATE TABLE failed_sign_ins (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    email        TEXT    NOT NULL,
    attempted_at INTEGER NOT NULL
);

CREATE INDEX failed_sign_ins_by_email ON failed_sign_ins (email, attempted_at);
