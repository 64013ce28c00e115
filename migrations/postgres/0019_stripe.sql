-- Stripe (app/src/payments/stripe): the PaymentIntent paying each order, recorded before it
-- is confirmed, and the webhook's events, each processed once.
CREATE TABLE stripe_payments (
    order_key      TEXT   PRIMARY KEY,
    payment_intent TEXT   NOT NULL UNIQUE,
    customer       TEXT   NOT NULL,
    created_at     BIGINT NOT NULL
);

CREATE TABLE stripe_events (
    id           TEXT   PRIMARY KEY,
    kind         TEXT   NOT NULL,
    received_at  BIGINT NOT NULL,
    processed_at BIGINT
);

-- A payment the card holder disputed with their bank (orders): staff answer it in Stripe.
ALTER TABLE orders ADD COLUMN disputed_at BIGINT;
ALTER TABLE orders ADD COLUMN dispute_reason TEXT;
