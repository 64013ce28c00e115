#!/usr/bin/env bash
# The checkout load test: starts the release server on a fresh database, gives one item enough
# stock, replays guest card checkouts (tools/load/checkout-burst.mjs), then checks the books:
# every charge has exactly one paid order, no order is left awaiting payment, and the stock
# fell by exactly the number of paid orders.
#
#   scripts/load.sh [sqlite|postgres] [concurrency] [total]      (defaults: sqlite 64 1000)
#
# With LOAD_PAYMENTS=stripe the shop takes the cards through the Stripe at LOCALSTRIPE_URL
# (localstripe, which bounds the rate: it writes its whole state to disk on every request),
# and each checkout first gets a card token there, as Stripe.js would.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

engine="${1:-sqlite}"
concurrency="${2:-64}"
total="${3:-1000}"
port="${LOAD_PORT:-3200}"
sku=GRP-MIDBLA
stock=1000000

source scripts/shop.sh
fresh_database "$engine" load || { echo "usage: $0 [sqlite|postgres] [concurrency] [total]" >&2; exit 2; }
payments="${LOAD_PAYMENTS:-test}"
burst_payment=()
if [ "$payments" = stripe ]; then
  : "${LOCALSTRIPE_URL:?LOAD_PAYMENTS=stripe needs LOCALSTRIPE_URL (a running localstripe)}"
  export SHOP_PAYMENTS=stripe STRIPE_SECRET_KEY=sk_test_casefront STRIPE_PUBLISHABLE_KEY=pk_test_casefront \
    STRIPE_WEBHOOK_SECRET=whsec_casefront STRIPE_API_URL="$LOCALSTRIPE_URL" \
    STRIPE_JS_URL="$LOCALSTRIPE_URL/js.stripe.com/v3/"
  burst_payment=(--stripe "$LOCALSTRIPE_URL")
fi
start_server shop "$port"
ready "$port"
run "UPDATE skus SET stock = $stock WHERE code = '$sku'"

step "$total checkouts on $engine, $concurrency at a time, paid through the $payments gateway"
status=0
node tools/load/checkout-burst.mjs --url "http://127.0.0.1:$port" --sku "$sku" \
  --concurrency "$concurrency" --total "$total" "${burst_payment[@]}" || status=$?

paid=$(sql "SELECT COUNT(*) FROM orders WHERE status = 'paid'")
if [ "$payments" = stripe ]; then
  # Every PaymentIntent the shop confirmed is recorded before it was confirmed; each test card
  # succeeds, so each recorded one is a charge.
  charged=$(sql "SELECT COUNT(*) FROM stripe_payments")
else
  charged=$(sql "SELECT COUNT(*) FROM gateway_payments WHERE state = 'succeeded'")
fi
awaiting=$(sql "SELECT COUNT(*) FROM orders WHERE status = 'awaiting_payment'")
left=$(sql "SELECT stock FROM skus WHERE code = '$sku'")
echo "books: $paid paid orders, $charged charges, $awaiting awaiting payment, stock $stock -> $left"
if [ "$paid" != "$charged" ] || [ "$awaiting" != 0 ] || [ "$((stock - left))" != "$paid" ]; then
  echo "the books do not balance" >&2
  status=1
fi
exit "$status"
