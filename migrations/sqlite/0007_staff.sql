-- Staff: every account has a role (shoppers, support staff, admins); one-time links e-mailed
-- for a forgotten password or a staff invitation; and the audit log of staff actions. Times
-- are unix seconds.

ALTER TABLE customers ADD COLUMN role TEXT NOT NULL DEFAULT 'shopper'
    CHECK (role IN ('shopper', 'support', 'admin'));

-- Only a hash of each token is stored: a leaked table opens nothing. A link works once.
CREATE TABLE one_time_links (
    token_hash TEXT    PRIMARY KEY,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('reset_password', 'staff_invite')),
    email      TEXT    NOT NULL,
    -- The role a staff invitation grants; NULL for a password reset.
    role       TEXT    CHECK (role IN ('support', 'admin')),
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL,
    used_at    BIGINT,
    CHECK ((purpose = 'staff_invite') = (role IS NOT NULL))
);

CREATE INDEX one_time_links_by_email ON one_time_links (email, purpose);

-- Who did what to which record, and the record before and after (as text the log shows).
-- actor_email is kept as it was, so the log reads the same after an account changes.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    actor_id    INTEGER NOT NULL REFERENCES customers (id),
    actor_email TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    record      TEXT    NOT NULL,
    before      TEXT    NOT NULL,
    after       TEXT    NOT NULL,
    at          BIGINT  NOT NULL
);

CREATE INDEX audit_log_by_time ON audit_log (at);
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, at);
