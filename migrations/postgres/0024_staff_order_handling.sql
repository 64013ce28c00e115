-- Staff order handling (app/src/orders): a package reported lost may be replaced for free, its
-- units taken from stock with a reason of their own; and the timeline keeps who acted and
-- how staff word the step, beside the note the shopper reads.

ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_reason_check;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_reason_check
    CHECK (reason IN ('sale', 'payment_failed', 'cancelled', 'adjustment', 'order_changed',
                      'warranty_replacement', 'lost_replacement'));

-- actor_id: the staff member who acted (none for the shopper or the shop itself);
-- staff_note: the step as staff read it, when it differs from the shopper's note.
ALTER TABLE order_events ADD COLUMN actor_id BIGINT REFERENCES customers (id);
ALTER TABLE order_events ADD COLUMN staff_note TEXT;
