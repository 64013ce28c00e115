#!/usr/bin/env bash
# Several server instances on one PostgreSQL database, under load and with a crash:
#   1. the last units are never oversold across instances;
#   2. one checkout sent to both instances at once (same key) makes one order and one charge;
#   3. `kill -9` of one instance under load loses no order a shopper saw confirmed;
#   4. the checkouts the crash left awaiting payment are settled exactly once by the
#      interrupted-checkout job of two instances starting together.
# Each step prints what it checked and fails the script if the books do not balance.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

[ -x "$CARGO_TARGET_DIR/release/server" ] || scripts/build.sh
admin="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
name="shop_instances_$$"
url="${admin%/*}/$name"
data="$(mktemp -d)"
sku=GRP-MIDBLA
psql "$admin" -qc "CREATE DATABASE $name"
sql() { psql "$url" -Atc "$1"; }

declare -A servers=()
start() { # start NAME PORT
  SHOP_PORT="$2" SHOP_DATA_DIR="$data/$1" DATABASE_URL="$url" RUST_LOG="${RUST_LOG:-warn}" \
    LEPTOS_SITE_ROOT="$CARGO_TARGET_DIR/site" "$CARGO_TARGET_DIR/release/server" >"$data/$1.log" 2>&1 &
  servers[$1]=$!
}
ready() { for _ in $(seq 150); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return; sleep 0.2; done; echo "port $1 never came up" >&2; exit 1; }
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql "$admin" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)"
  rm -rf "$data"
}
trap cleanup EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
burst() { node tools/load/checkout-burst.mjs --sku "$sku" "$@"; }

start a 3201; start b 3202; ready 3201; ready 3202
both="http://127.0.0.1:3201,http://127.0.0.1:3202"

step "1. 40 units left, 200 shoppers across two instances"
sql "UPDATE skus SET stock = 40 WHERE code = '$sku'" >/dev/null
burst --url "$both" --concurrency 64 --total 200 --allow-sold-out | tail -n +2 | head -4
paid=$(sql "SELECT COUNT(*) FROM orders WHERE status = 'paid'")
left=$(sql "SELECT stock FROM skus WHERE code = '$sku'")
charged=$(sql "SELECT COUNT(*) FROM gateway_payments WHERE state = 'succeeded'")
echo "paid orders $paid, charges $charged, stock left $left"
[ "$paid" = 40 ] && [ "$left" = 0 ] && [ "$charged" = 40 ] || fail "oversold or lost units"

step "2. every checkout sent to both instances at once, with the same key"
sql "UPDATE skus SET stock = 1000000 WHERE code = '$sku'" >/dev/null
burst --url "$both" --twice --concurrency 32 --total 300 | tail -n +2 | head -3
paid=$(sql "SELECT COUNT(*) FROM orders WHERE status = 'paid'")
charged=$(sql "SELECT COUNT(*) FROM gateway_payments WHERE state = 'succeeded'")
echo "paid orders $paid, charges $charged (40 before)"
[ "$paid" = 340 ] && [ "$charged" = 340 ] || fail "a key made more than one order or charge"

step "3. kill -9 of one instance under load"
burst --url "$both" --concurrency 64 --total 3000 --placed "$data/confirmed" >"$data/burst.log" 2>&1 &
load=$!
sleep 2
kill -9 "${servers[b]}"; wait "${servers[b]}" 2>/dev/null || true; unset 'servers[b]'
wait "$load" || true
tail -n +2 "$data/burst.log" | head -5
confirmed=$(grep -c . "$data/confirmed")
numbers=$(sed "s/.*/'&'/" "$data/confirmed" | paste -sd,)
found=$(sql "SELECT COUNT(*) FROM orders WHERE status = 'paid' AND number IN ($numbers)")
echo "confirmed to shoppers $confirmed, of which paid in the database $found"
[ "$confirmed" -gt 0 ] && [ "$found" = "$confirmed" ] || fail "a confirmed order was lost"

step "4. what the crash left awaiting payment, settled once by two instances at once"
awaiting=$(sql "SELECT COUNT(*) FROM orders WHERE status = 'awaiting_payment'")
# As if the payment timeout had passed: the job settles them at start-up.
sql "UPDATE orders SET placed_at = placed_at - 3600 WHERE status = 'awaiting_payment'" >/dev/null
kill "${servers[a]}"; wait "${servers[a]}" 2>/dev/null || true; unset 'servers[a]'
start c 3203; start d 3204; ready 3203; ready 3204
for _ in $(seq 50); do
  [ "$(sql "SELECT COUNT(*) FROM orders WHERE status = 'awaiting_payment'")" = 0 ] && break
  sleep 0.2
done
twice=$(sql "SELECT COUNT(*) FROM (SELECT order_id FROM order_events WHERE status IN ('paid', 'payment_failed') GROUP BY order_id HAVING COUNT(*) > 1) AS settled_twice")
paid=$(sql "SELECT COUNT(*) FROM orders WHERE status = 'paid'")
charged=$(sql "SELECT COUNT(*) FROM gateway_payments WHERE state = 'succeeded'")
left=$(sql "SELECT COUNT(*) FROM orders WHERE status = 'awaiting_payment'")
sold=$((1000000 - $(sql "SELECT stock FROM skus WHERE code = '$sku'")))
echo "left awaiting by the crash $awaiting; now awaiting $left, settled twice $twice"
echo "paid orders $paid, charges $charged, units sold since step 2 $sold (+300 in step 2)"
[ "$left" = 0 ] && [ "$twice" = 0 ] && [ "$paid" = "$charged" ] && [ "$sold" = "$((paid - 40))" ] ||
  fail "the books do not balance after the crash"
echo "instances: all checks passed"
