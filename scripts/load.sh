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

[ -x "$CARGO_TARGET_DIR/release/server" ] || scripts/build.sh

data="$(mktemp -d)"
case "$engine" in
  sqlite)
    url="sqlite://$data/shop.db"
    sql() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$data/shop.db" "$1"; }
    run() { python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' "$data/shop.db" "$1"; }
    ;;
  postgres)
    admin="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
    name="shop_load_$$"
    psql "$admin" -qc "CREATE DATABASE $name"
    url="${admin%/*}/$name"
    sql() { psql "$url" -Atc "$1"; }
    run() { psql "$url" -qc "$1"; }
    ;;
  *) echo "usage: $0 [sqlite|postgres] [concurrency] [total]" >&2; exit 2 ;;
esac

cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [ "$engine" = postgres ] && psql "$admin" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)"
  rm -rf "$data"
}
trap cleanup EXIT

SHOP_PORT="$port" SHOP_DATA_DIR="$data" DATABASE_URL="$url" RUST_LOG="${RUST_LOG:-warn}" \
  LEPTOS_SITE_ROOT="$CARGO_TARGET_DIR/site" "$CARGO_TARGET_DIR/release/server" &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
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
