-- Refunds, in full or per item, back to the payment that paid. The order keeps the running
-- total refunded: a refund reserves its amount there with a conditional update first, so two
-- staff refunding at once can never give back more than was paid. A refund is 'pending' from
-- that reservation until the gateway answers; a failed one releases its amount.

ALTER TABLE orders ADD COLUMN refunded_cents BIGINT NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0);

CREATE TABLE refunds (
    id                BIGSERIAL PRIMARY KEY,
    order_id          BIGINT  NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    -- The gateway's idempotency key for this refund: asking again never refunds twice.
    refund_key        TEXT    NOT NULL UNIQUE,
    amount_cents      BIGINT  NOT NULL CHECK (amount_cents > 0),
    shipping          BIGINT  NOT NULL DEFAULT 0,
    reason            TEXT    NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
    gateway_reference TEXT,
    failure           TEXT,
    staff_id          BIGINT  REFERENCES customers (id),
    created_at        BIGINT  NOT NULL,
    settled_at        BIGINT
);

CREATE INDEX refunds_by_order ON refunds (order_id, created_at);
CREATE INDEX refunds_by_state ON refunds (state, created_at);

-- Which items a refund gave back, so an item is never refunded twice.
CREATE TABLE refund_lines (
    refund_id     BIGINT NOT NULL REFERENCES refunds (id) ON DELETE CASCADE,
    order_line_id BIGINT NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    quantity      BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (refund_id, order_line_id)
);

-- The test-mode gateway's own record of refunds, as a real provider keeps one.
ALTER TABLE gateway_payments ADD COLUMN refunded_cents BIGINT NOT NULL DEFAULT 0;

CREATE TABLE gateway_refunds (
    reference    TEXT    PRIMARY KEY,
    refund_key   TEXT    NOT NULL UNIQUE,
    payment_key  TEXT    NOT NULL,
    amount_cents BIGINT  NOT NULL,
    created_at   BIGINT  NOT NULL
);
