#!/usr/bin/env bash
# Builds the shop (release) and runs it on the embedded SQLite database with the demo catalog.
# Settings come from the environment; see the configuration table in README.md.
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$REPO_ROOT/scripts/setup.sh"
cd "$REPO_ROOT"
step "building the shop (release)"
scripts/build.sh
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$CARGO_TARGET_DIR/site}"
# A few weeks of made-up orders, so the staff dashboard has something to show.
export SHOP_DEMO_ORDERS="${SHOP_DEMO_ORDERS:-true}"
step "starting the shop"
exec "$CARGO_TARGET_DIR/release/server"
