-- Fulfilment: the carrier and tracking number of a shipped order, every change of stock as a
-- movement (why, by which order or staff member), and staff notes on orders. Times are unix
-- seconds.

ALTER TABLE orders ADD COLUMN carrier TEXT;
ALTER TABLE orders ADD COLUMN tracking_number TEXT;

CREATE TABLE stock_movements (
    id              BIGSERIAL PRIMARY KEY,
    sku             TEXT    NOT NULL,
    quantity_change BIGINT  NOT NULL,
    reason          TEXT    NOT NULL CHECK (reason IN ('sale', 'payment_failed', 'cancelled', 'adjustment')),
    order_number    TEXT,
    note            TEXT    NOT NULL DEFAULT '',
    actor_id        BIGINT  REFERENCES customers (id),
    at              BIGINT  NOT NULL
);

CREATE INDEX stock_movements_by_sku ON stock_movements (sku, at);

CREATE TABLE order_notes (
    id          BIGSERIAL PRIMARY KEY,
    order_id    BIGINT  NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    author_id   BIGINT  NOT NULL REFERENCES customers (id),
    author_name TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    at          BIGINT  NOT NULL
);

CREATE INDEX order_notes_by_order ON order_notes (order_id, at);
