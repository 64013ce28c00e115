-- Staff order handling (app/src/orders): a package reported lost may be replaced for free, its
-- units taken from stock with a reason of their own; and the timeline keeps who acted and
-- how staff word the step, beside the note the shopper reads. SQLite cannot alter a CHECK
-- constraint, so the stock history is rebuilt (nothing refers to it).

CREATE TABLE stock_movements_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    sku             TEXT    NOT NULL,
    quantity_change INTEGER NOT NULL,
    reason          TEXT    NOT NULL CHECK (reason IN ('sale', 'payment_failed', 'cancelled', 'adjustment',
                                                      'order_changed', 'warranty_replacement',
                                                      'lost_replacement')),
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

-- actor_id: the staff member who acted (none for the shopper or the shop itself);
-- staff_note: the step as staff read it, when it differs from the shopper's note.
ALTER TABLE order_events ADD COLUMN actor_id INTEGER REFERENCES customers (id);
ALTER TABLE order_events ADD COLUMN staff_note TEXT;
