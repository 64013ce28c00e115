-- The affiliate program (app/src/affiliates). Times are unix seconds, money integer cents.
--
-- partners: one application per e-mail address, decided by staff; an approved partner has a
-- referral code for links and a personal promo code (a coupon of the coupons module), and may
-- have a rate of their own (basis points; NULL = the program's 10%).
CREATE TABLE partners (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    email          TEXT    NOT NULL UNIQUE,
    customer_id    INTEGER REFERENCES customers (id),
    name           TEXT    NOT NULL,
    channel        TEXT    NOT NULL,
    audience       TEXT    NOT NULL,
    promotion      TEXT    NOT NULL,
    paypal_email   TEXT    NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'applied'
                   CHECK (status IN ('applied', 'approved', 'declined', 'suspended')),
    decline_reason TEXT,
    referral_code  TEXT    UNIQUE,
    coupon_id      INTEGER REFERENCES coupons (id),
    rate_bp        INTEGER CHECK (rate_bp BETWEEN 0 AND 5000),
    applied_at     INTEGER NOT NULL,
    decided_at     INTEGER
);

CREATE INDEX partners_by_customer ON partners (customer_id);
CREATE INDEX partners_by_coupon ON partners (coupon_id);

-- Link clicks: when and where they landed; no address or browser is kept.
CREATE TABLE partner_clicks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    partner_id   INTEGER NOT NULL REFERENCES partners (id),
    clicked_at   INTEGER NOT NULL,
    landing_path TEXT    NOT NULL
);

CREATE INDEX partner_clicks_by_partner ON partner_clicks (partner_id, clicked_at);

-- The partner credited for an order, decided once at checkout: what the commission is worked
-- out on, what it is, how much refunds and a cancellation took back, and the order's milestones
-- the commission waits for.
CREATE TABLE referrals (
    order_number      TEXT    PRIMARY KEY,
    partner_id        INTEGER NOT NULL REFERENCES partners (id),
    source            TEXT    NOT NULL CHECK (source IN ('code', 'link')),
    clicked_at        INTEGER,
    merchandise_cents INTEGER NOT NULL CHECK (merchandise_cents >= 0),
    paid_cents        INTEGER NOT NULL CHECK (paid_cents > 0),
    rate_bp           INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 5000),
    commission_cents  INTEGER NOT NULL CHECK (commission_cents >= 0),
    reversed_cents    INTEGER NOT NULL DEFAULT 0
                      CHECK (reversed_cents BETWEEN 0 AND commission_cents),
    attributed_at     INTEGER NOT NULL,
    placed_at         INTEGER,
    delivered_at      INTEGER,
    cancelled_at      INTEGER,
    CHECK ((source = 'link') = (clicked_at IS NOT NULL))
);

CREATE INDEX referrals_by_partner ON referrals (partner_id, attributed_at);

-- Staff's payout runs; each pays some partners their approved balance.
CREATE TABLE payout_runs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES customers (id),
    paid_at    INTEGER
);

CREATE TABLE payouts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id       INTEGER NOT NULL REFERENCES payout_runs (id),
    partner_id   INTEGER NOT NULL REFERENCES partners (id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    paypal_email TEXT    NOT NULL,
    paid_at      INTEGER,
    UNIQUE (run_id, partner_id)
);

-- The commission ledger: what an order earned, and each share a refund or a cancellation took
-- back (negative). An entry is pending until its order has been delivered 30 days, then
-- approved; a payout takes approved entries and pays them.
CREATE TABLE commission_entries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    partner_id   INTEGER NOT NULL REFERENCES partners (id),
    order_number TEXT    NOT NULL REFERENCES referrals (order_number),
    kind         TEXT    NOT NULL CHECK (kind IN ('earned', 'refund', 'cancellation')),
    amount_cents INTEGER NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'approved', 'paid')),
    created_at   INTEGER NOT NULL,
    approved_at  INTEGER,
    payout_id    INTEGER REFERENCES payouts (id),
    CHECK ((kind = 'earned') = (amount_cents >= 0))
);

CREATE UNIQUE INDEX commission_earned_once ON commission_entries (order_number)
    WHERE kind = 'earned';
CREATE INDEX commission_by_partner ON commission_entries (partner_id, state);
CREATE INDEX commission_by_payout ON commission_entries (payout_id);
