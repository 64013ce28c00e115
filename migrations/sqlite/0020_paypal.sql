-- PayPal (app/src/payments/paypal): the PayPal order paying each shop order and where its buyer
-- approves it, recorded as soon as PayPal creates it; its capture once taken; how many captures
-- PayPal refused (each new try needs a request id of its own) and when it last declined the
-- buyer's funding; the shop's own decision to give the payment up (PayPal has no void for an
-- order never approved: it expires); and the webhook's events, each processed once.
CREATE TABLE paypal_payments (
    order_key        TEXT   PRIMARY KEY,
    paypal_order     TEXT   NOT NULL UNIQUE,
    approve_url      TEXT   NOT NULL,
    capture_id       TEXT,
    refused_captures BIGINT NOT NULL DEFAULT 0,
    declined_at      BIGINT,
    given_up         TEXT,
    created_at       BIGINT NOT NULL
);

CREATE TABLE paypal_events (
    id           TEXT   PRIMARY KEY,
    kind         TEXT   NOT NULL,
    received_at  BIGINT NOT NULL,
    processed_at BIGINT
);
