#!/usr/bin/env bash
# Starts the release server for the browser tests on a fresh SQLite database.
set -euo pipefail
target="${CARGO_TARGET_DIR:-$(cd "$(dirname "$0")/.." && pwd)/target}"
# A fresh data folder each run; the tests read the e-mail outbox inside it.
data="${E2E_DATA_DIR:-${TMPDIR:-/tmp}/casefront-e2e-${E2E_PORT:-3100}}"
rm -rf "$data"
mkdir -p "$data"
trap 'rm -rf "$data"' EXIT
export SHOP_DATA_DIR="$data"
export SHOP_PORT="${E2E_PORT:-3100}"
# The tests name their client in X-Forwarded-For (see helpers.ts), so each test has its own
# rate limits; only this loopback "proxy" is trusted to say so.
export SHOP_TRUSTED_PROXIES=127.0.0.1
export LEPTOS_SITE_ROOT="$target/site"
# The staff overview is tested on the demo orders.
export SHOP_DEMO_ORDERS=true
export RUST_LOG="${RUST_LOG:-warn}"
"$target/release/server" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT TERM INT
wait "$server"
