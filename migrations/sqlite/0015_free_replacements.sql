-- Free replacements settle approved warranty claims: an order with nothing to pay
-- (payment_method 'none'), which then ships like any other. SQLite cannot change a CHECK
-- constraint in place, so the orders table is rebuilt as in migration 6 (copy, drop, rename,
-- with foreign keys off while migrating).

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
    -- 'none': nothing to pay, as for a free warranty replacement.
    payment_method    TEXT    NOT NULL CHECK (payment_method IN ('card', 'paypal', 'none')),
    card_brand        TEXT,
    card_last4        TEXT,
    payment_reference TEXT,
    dispatch_by       TEXT    NOT NULL,
    delivery_from     TEXT    NOT NULL,
    delivery_to       TEXT    NOT NULL,
    placed_at         INTEGER NOT NULL,
    carrier           TEXT,
    tracking_number   TEXT,
    refunded_cents    INTEGER NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0)
);

INSERT INTO orders_new SELECT * FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE INDEX orders_by_customer ON orders (customer_id, placed_at);
CREATE INDEX orders_by_status ON orders (status, placed_at);
