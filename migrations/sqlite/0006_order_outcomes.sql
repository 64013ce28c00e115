-- Orders whose payment failed are kept, with the final status 'payment_failed' (for support
-- and audit), instead of being deleted; the test-mode gateway can refund a charge. SQLite
-- cannot change a CHECK constraint in place, so both tables are rebuilt by SQLite's documented
-- procedure: copy, drop and rename in one transaction, with foreign keys off (the shop
-- migrates SQLite on a connection without them, see `db.rs`).

CREATE TABLE orders_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    number            TEXT    NOT NULL UNIQUE,
    -- One submission of the checkout form: a double submit or a retry finds this order.
    idempotency_key   TEXT    NOT NULL UNIQUE,
    customer_id       INTEGER REFERENCES customers (id),
    email             TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('awaiting_payment', 'paid', 'processing',
                                                         'shipped', 'delivered', 'cancelled', 'refunded',
                                                         'payment_failed')),
    ship_name         TEXT    NOT NULL,
    ship_line1        TEXT    NOT NULL,
    ship_line2        TEXT    NOT NULL,
    ship_city         TEXT    NOT NULL,
    ship_region       TEXT    NOT NULL,
    ship_postcode     TEXT    NOT NULL,
    ship_country      TEXT    NOT NULL,
    ship_phone        TEXT    NOT NULL,
    shipping_method   TEXT    NOT NULL CHECK (shipping_method IN ('standard', 'express')),
    coupon_code       TEXT,
    subtotal_cents    INTEGER NOT NULL CHECK (subtotal_cents >= 0),
    discount_cents    INTEGER NOT NULL CHECK (discount_cents >= 0),
    shipping_cents    INTEGER NOT NULL CHECK (shipping_cents >= 0),
    total_cents       INTEGER NOT NULL CHECK (total_cents >= 0),
    payment_method    TEXT    NOT NULL CHECK (payment_method IN ('card', 'paypal')),
    card_brand        TEXT,
    card_last4        TEXT,
    payment_reference TEXT,
    dispatch_by       TEXT    NOT NULL,
    delivery_from     TEXT    NOT NULL,
    delivery_to       TEXT    NOT NULL,
    placed_at         INTEGER NOT NULL
);

INSERT INTO orders_new SELECT * FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE INDEX orders_by_customer ON orders (customer_id, placed_at);
CREATE INDEX orders_by_status ON orders (status, placed_at);

CREATE TABLE gateway_payments_new (
    reference       TEXT    PRIMARY KEY,
    idempotency_key TEXT    NOT NULL UNIQUE,
    method          TEXT    NOT NULL CHECK (method IN ('card', 'paypal')),
    amount_cents    INTEGER NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('awaiting_approval', 'approved', 'succeeded',
                                                      'declined', 'cancelled', 'refunded')),
    decline_code    TEXT,
    created_at      INTEGER NOT NULL
);

INSERT INTO gateway_payments_new SELECT * FROM gateway_payments;
DROP TABLE gateway_payments;
ALTER TABLE gateway_payments_new RENAME TO gateway_payments;
