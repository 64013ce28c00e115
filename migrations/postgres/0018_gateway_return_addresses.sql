-- The test-mode gateway sends the shopper back where checkout asked, as PayPal does with an
-- order's return and cancel addresses.
ALTER TABLE gateway_payments ADD COLUMN return_url TEXT;
ALTER TABLE gateway_payments ADD COLUMN cancel_url TEXT;
