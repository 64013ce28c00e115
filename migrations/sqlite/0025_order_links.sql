-- Private links to one order (app/src/orders/links.rs), e-mailed to its shopper: the link opens
-- the order on any device until it expires. Only a digest of the key is kept; times are unix
-- seconds.
CREATE TABLE order_links (
    key_hash     TEXT   PRIMARY KEY,
    order_number TEXT   NOT NULL REFERENCES orders (number) ON DELETE CASCADE,
    expires_at   BIGINT NOT NULL
);
