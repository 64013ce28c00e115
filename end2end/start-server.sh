#!/usr/bin/env bash
# Starts the release server for the browser tests on a fresh SQLite database.
set -euo pipefail
target="${CARGO_TARGET_DIR:-$(cd "$(dirname "$0")/.." && pwd)/target}"
data="$(mktemp -d "${TMPDIR:-/tmp}/casefront-e2e.XXXXXX")"
trap 'rm -rf "$data"' EXIT
export SHOP_DATA_DIR="$data"
export SHOP_PORT="${E2E_PORT:-3100}"
export LEPTOS_SITE_ROOT="$target/site"
export RUST_LOG="${RUST_LOG:-warn}"
"$target/release/server" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT TERM INT
wait "$server"
