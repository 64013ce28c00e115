-- Promo codes and their redemptions. Times are unix seconds; categories is a comma-separated
-- list of category slugs ('' = every product).

CREATE TABLE coupons (
    id                 BIGSERIAL PRIMARY KEY,
    code               TEXT    NOT NULL UNIQUE,
    kind               TEXT    NOT NULL CHECK (kind IN ('percent', 'amount', 'free_shipping')),
    percent_off        BIGINT  CHECK (percent_off BETWEEN 1 AND 100),
    amount_off_cents   BIGINT  CHECK (amount_off_cents > 0),
    min_spend_cents    BIGINT  NOT NULL DEFAULT 0 CHECK (min_spend_cents >= 0),
    categories         TEXT    NOT NULL DEFAULT '',
    starts_at          BIGINT, 
    expires_at         BIGINT, 
    usage_limit        BIGINT  CHECK (usage_limit >= 0),
    per_customer_limit BIGINT  CHECK (per_customer_limit >= 0),
    active             BIGINT  NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    CHECK ((kind = 'percent') = (percent_off IS NOT NULL)),
    CHECK ((kind = 'amount') = (amount_off_cents IS NOT NULL))
);

CREATE TABLE coupon_redemptions (
    id           BIGSERIAL PRIMARY KEY,
    coupon_id    BIGINT  NOT NULL REFERENCES coupons (id),
    customer_key TEXT    NOT NULL,
    order_number TEXT    NOT NULL UNIQUE,
    redeemed_at  BIGINT  NOT NULL
);

CREATE INDEX coupon_redemptions_by_customer ON coupon_redemptions (coupon_id, customer_key);
