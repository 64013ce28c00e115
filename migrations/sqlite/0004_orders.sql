-- Orders, their lines and timeline; guest access grants; and the test-mode payment gateway's
-- own ledger. Money is integer cents, times are unix seconds, dates are ISO 'YYYY-MM-DD'.

CREATE TABLE orders (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    number            TEXT    NOT NULL UNIQUE,
    -- One submission of the checkout form: a double submit or a retry finds this order.
    idempotency_key   TEXT    NOT NULL UNIQUE,
    customer_id       INTEGER REFERENCES customers (id),
    email             TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('awaiting_payment', 'paid', 'processing',
                                                         'shipped', 'delivered', 'cancelled', 'refunded')),
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

CREATE INDEX orders_by_customer ON orders (customer_id, placed_at);
CREATE INDEX orders_by_status ON orders (status, placed_at);

CREATE TABLE order_lines (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id         INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    sku              TEXT    NOT NULL,
    product_name     TEXT    NOT NULL,
    options          TEXT    NOT NULL,
    image_path       TEXT    NOT NULL,
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    quantity         INTEGER NOT NULL CHECK (quantity > 0)
);

CREATE INDEX order_lines_by_order ON order_lines (order_id);

CREATE TABLE order_events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    status   TEXT    NOT NULL,
    note     TEXT    NOT NULL,
    at       INTEGER NOT NULL
);

CREATE INDEX order_events_by_order ON order_events (order_id, at);

-- A guest sees an order through a browser token granted at checkout or by looking the order
-- up with its number and e-mail. Only a hash of the token is stored.
CREATE TABLE order_grants (
    token_hash TEXT    NOT NULL,
    order_id   INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (token_hash, order_id)
);

-- What the test-mode gateway knows, as a real provider would: charges by idempotency key and
-- PayPal approvals. It survives a server stop, so an interrupted checkout can be settled.
CREATE TABLE gateway_payments (
    reference       TEXT    PRIMARY KEY,
    idempotency_key TEXT    NOT NULL UNIQUE,
    method          TEXT    NOT NULL CHECK (method IN ('card', 'paypal')),
    amount_cents    INTEGER NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('awaiting_approval', 'approved', 'succeeded',
                                                      'declined', 'cancelled')),
    decline_code    TEXT,
    created_at      INTEGER NOT NULL
);
