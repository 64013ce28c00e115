#!/usr/bin/env bash
# Starts the PayPal stand-in (tools/paypal-standin, built by scripts/test.sh) for the browser
# tests, sending its events to the webhook of the shop that takes PayPal.
set -euo pipefail
target="${CARGO_TARGET_DIR:-$(cd "$(dirname "$0")/.." && pwd)/target}"
exec "$target/debug/paypal-standin" --port "${PAYPAL_STANDIN_PORT:-8430}" --webhook "$PAYPAL_WEBHOOK_URL"
