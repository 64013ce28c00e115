-- Catalog editing by staff: a product can be hidden from the shop (and from checkout) without
-- losing it, and each product has the stock level at which its variants count as low.

ALTER TABLE products ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));
ALTER TABLE products ADD COLUMN low_stock_threshold INTEGER NOT NULL DEFAULT 5 CHECK (low_stock_threshold >= 0);
