-- Warranty claims (and quality concerns about a new delivery), their conversations and their
-- photos. A photo is uploaded before its claim exists: it belongs to the shopper's draft
-- (draft_hash, a digest of the form's random key) until the claim takes it (claim_id). Rows
-- come before their stored files, so a cleanup that removes old unattached rows can remove
-- every file a failed or abandoned upload left.

CREATE TABLE warranty_claims (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    number               TEXT    NOT NULL UNIQUE,
    order_id             INTEGER NOT NULL REFERENCES orders (id),
    line_id              INTEGER NOT NULL REFERENCES order_lines (id),
    customer_id          INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    email                TEXT    NOT NULL,
    kind                 TEXT    NOT NULL CHECK (kind IN ('warranty', 'quality')),
    status               TEXT    NOT NULL CHECK (status IN ('submitted', 'needs_info', 'approved', 'declined')),
    decline_reason       TEXT,
    replacement_order_id INTEGER REFERENCES orders (id),
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);

CREATE INDEX warranty_claims_by_status ON warranty_claims (status, updated_at);
CREATE INDEX warranty_claims_by_customer ON warranty_claims (customer_id, created_at);
CREATE INDEX warranty_claims_by_email ON warranty_claims (email, created_at);
CREATE INDEX warranty_claims_by_order ON warranty_claims (order_id);

CREATE TABLE claim_messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id    INTEGER NOT NULL REFERENCES warranty_claims (id) ON DELETE CASCADE,
    from_staff  INTEGER NOT NULL CHECK (from_staff IN (0, 1)),
    staff_id    INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    author_name TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    at          INTEGER NOT NULL
);

CREATE INDEX claim_messages_by_claim ON claim_messages (claim_id, at);

CREATE TABLE claim_keys (
    key_hash   TEXT    PRIMARY KEY,
    claim_id   INTEGER NOT NULL REFERENCES warranty_claims (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);

CREATE TABLE claim_photos (
    -- The order photos were added in.
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT    NOT NULL UNIQUE,
    draft_hash  TEXT    NOT NULL,
    claim_id    INTEGER REFERENCES warranty_claims (id) ON DELETE CASCADE,
    file_name   TEXT    NOT NULL,
    upload_size INTEGER NOT NULL,
    stored_size INTEGER NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE INDEX claim_photos_by_draft ON claim_photos (draft_hash, created_at);
CREATE INDEX claim_photos_by_claim ON claim_photos (claim_id, seq);
