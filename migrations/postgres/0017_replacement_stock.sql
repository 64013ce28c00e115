-- A free warranty replacement takes its unit from stock with a reason of its own, so the stock
-- history (and anything counting sales from it) tells a replacement from a sale.

ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_reason_check;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_reason_check
    CHECK (reason IN ('sale', 'payment_failed', 'cancelled', 'adjustment', 'order_changed',
                      'warranty_replacement'));
