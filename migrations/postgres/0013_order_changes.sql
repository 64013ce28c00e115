-- A shopper may swap an item for another variant of the same product within 12 hours of
-- ordering: the stock moves are recorded with their own reason.

ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_reason_check;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_reason_check
    CHECK (reason IN ('sale', 'payment_failed', 'cancelled', 'adjustment', 'order_changed'));
