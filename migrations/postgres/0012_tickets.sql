-- Support tickets and their conversations. A ticket's shopper reads it signed in (customer_id)
-- or through a private link: each e-mail carries a key of its own, stored only as a digest.
-- A ticket names an order (order_id) only when the order is the shopper's; another number
-- typed is kept as given, for staff.

CREATE TABLE tickets (
    id           BIGSERIAL PRIMARY KEY,
    number       TEXT   NOT NULL UNIQUE,
    customer_id  BIGINT REFERENCES customers (id) ON DELETE SET NULL,
    name         TEXT   NOT NULL,
    email        TEXT   NOT NULL,
    topic        TEXT   NOT NULL,
    status       TEXT   NOT NULL CHECK (status IN ('open', 'waiting', 'resolved')),
    order_id     BIGINT REFERENCES orders (id) ON DELETE SET NULL,
    order_given  TEXT,
    problem      TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE INDEX tickets_by_status ON tickets (status, updated_at);
CREATE INDEX tickets_by_customer ON tickets (customer_id, updated_at);
CREATE INDEX tickets_by_order ON tickets (order_id);

CREATE TABLE ticket_messages (
    id          BIGSERIAL PRIMARY KEY,
    ticket_id   BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    from_staff  BIGINT NOT NULL CHECK (from_staff IN (0, 1)),
    staff_id    BIGINT REFERENCES customers (id) ON DELETE SET NULL,
    author_name TEXT   NOT NULL,
    body        TEXT   NOT NULL,
    at          BIGINT NOT NULL
);

CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, at);

CREATE TABLE ticket_keys (
    key_hash   TEXT   PRIMARY KEY,
    ticket_id  BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);
