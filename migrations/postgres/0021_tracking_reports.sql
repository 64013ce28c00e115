-- Shipments to report to the provider that took the payment (app/src/orders/tracking_reports.rs):
-- PayPal asks for each shipment's carrier and tracking number for its seller protection. Queued
-- with the shipment, sent by the background job, retried with a growing wait until PayPal
-- takes it; the shipment itself never waits for PayPal.
CREATE TABLE tracking_reports (
    order_number    TEXT    PRIMARY KEY,
    carrier         TEXT    NOT NULL,
    tracking_number TEXT    NOT NULL,
    attempts        BIGINT  NOT NULL DEFAULT 0,
    due_at          BIGINT  NOT NULL
);
