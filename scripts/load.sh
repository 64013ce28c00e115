#!/usr/bin/env bash
# The checkout load test: starts the release server on a fresh database, gives one item enough
# stock, replays guest card checkouts (tools/load/checkout-burst.mjs), then checks the books:
# every charge has exactly one paid order, no order is left awaiting payment, and the stock
# fell by exactly the number of paid orders.
#
#   scripts/load.sh [sqlite|postgres] [concurrency] [total]      (defaults: sqlite 64 1000)
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
start_server shop "$port"
ready "$port"
run "UPDATE skus SET stock = $stock WHERE code = '$sku'"

step "$total checkouts on $engine, $concurrency at a time"
status=0
node tools/load/checkout-burst.mjs --url "http://127.0.0.1:$port" --sku "$sku" \
  --concurrency "$concurrency" --total "$total" || status=$?

paid=$(sql "SELECT COUNT(*) FROM orders WHERE status = 'paid'")
charged=$(sql "SELECT COUNT(*) FROM gateway_payments WHERE state = 'succeeded'")
awaiting=$(sql "SELECT COUNT(*) FROM orders WHERE status = 'awaiting_payment'")
left=$(sql "SELECT stock FROM skus WHERE code = '$sku'")
echo "books: $paid paid orders, $charged charges, $awaiting awaiting payment, stock $stock -> $left"
if [ "$paid" != "$charged" ] || [ "$awaiting" != 0 ] || [ "$((stock - left))" != "$paid" ]; then
  echo "the books do not balance" >&2
  status=1
fi
exit "$status"
