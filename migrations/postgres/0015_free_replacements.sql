-- Free replacements settle approved warranty claims: an order with nothing to pay
-- (payment_method 'none'), which then ships like any other.
ALTER TABLE orders DROP CONSTRAINT orders_payment_method_check;
ALTER TABLE orders ADD CONSTRAINT orders_payment_method_check
    CHECK (payment_method IN ('card', 'paypal', 'none'));
