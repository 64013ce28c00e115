-- A free warranty replacement takes its unit from stock with a reason of its own, so the stock
-- history (and anything counting sales from it) tells a replacement from a sale. SQLite
-- cannot alter a CHECK constraint, so the table is rebuilt (nothing refers to it).

CREATE TABLE stock_movements_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    sku             TEXT    NOT NULL,
    quantity_change INTEGER NOT NULL,
    reason          TEXT    NOT NULL CHECK (reason IN ('sale', 'payment_failed', 'cancelled', 'adjustment',
                                                      'order_changed', 'warranty_replacement')),
    order_number    TEXT,
    note            TEXT    NOT NULL DEFAULT '',
    actor_id        INTEGER REFERENCES customers (id),
    at              BIGINT  NOT NULL
);

INSERT INTO stock_movements_new (id, sku, quantity_change, reason, order_number, note, actor_id, at)
    SELECT id, sku, quantity_change, reason, order_number, note, actor_id, at FROM stock_movements;

DROP TABLE stock_movements;
ALTER TABLE stock_movements_new RENAME TO stock_movements;
CREATE INDEX stock_movements_by_sku ON stock_movements (sku, at);
