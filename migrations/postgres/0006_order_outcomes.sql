-- Orders whose payment failed are kept, with the final status 'payment_failed' (for support
-- and audit), instead of being deleted; the test-mode gateway can refund a charge.
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('awaiting_payment',
    'paid', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded', 'payment_failed'));

ALTER TABLE gateway_payments DROP CONSTRAINT gateway_payments_state_check;
ALTER TABLE gateway_payments ADD CONSTRAINT gateway_payments_state_check CHECK (state IN
    ('awaiting_approval', 'approved', 'succeeded', 'declined', 'cancelled', 'refunded'));
