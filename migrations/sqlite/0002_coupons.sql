-- Promo codes and their redemptions. Times are unix seconds; categories is a comma-separated
-- list of category slugs ('' = every product).

CREATE TABLE coupons (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    code               TEXT    NOT NULL UNIQUE,
    kind               TEXT    NOT NULL CHECK (kind IN ('percent', 'amount', 'free_shipping')),
    percent_off        INTEGER CHECK (percent_off BETWEEN 1 AND 100),
    amount_off_cents   INTEGER CHECK (amount_off_cents > 0),
    min_spend_cents    INTEGER NOT NULL DEFAULT 0 CHECK (min_spend_cents >= 0),
    categories         TEXT    NOT NULL DEFAULT '',
    starts_at          INTEGER,
    expires_at         INTEGER,
    usage_limit        INTEGER CHECK (usage_limit >= 0),
    per_customer_limit INTEGER CHECK (per_customer_limit >= 0),
    active             INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    CHECK ((kind = 'percent') = (percent_off IS NOT NULL)),
    CHECK ((kind = 'amount') = (amount_off_cents IS NOT NULL))
);

CREATE TABLE coupon_redemptions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    coupon_id    INTEGER NOT NULL REFERENCES coupons (id),
    customer_key TEXT    NOT NULL,
    order_number TEXT    NOT NULL UNIQUE,
    redeemed_at  INTEGER NOT NULL
);

CREATE INDEX coupon_redemptions_by_customer ON coupon_redemptions (coupon_id, customer_key);
