#!/usr/bin/env bash
# The developers' loop: builds both bundles and the server (debug), runs the shop on SQLite with
# the demo catalog, and on every change to the code, the stylesheet or the pictures rebuilds
# what changed, restarts the server and reloads the open pages (the stylesheet is swapped in
# place). Settings come from the environment, as for scripts/run.sh; arguments go to
# `cargo leptos watch` (`-v` for its debug log).
#
# It is `cargo leptos watch` on the app's project, which builds the server through
# tools/dev/build-server: that also builds the islands' bundle, which the watcher does not know.
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$REPO_ROOT/scripts/setup.sh"
cd "$REPO_ROOT"
export LEPTOS_BIN_CARGO_COMMAND="$REPO_ROOT/tools/dev/build-server"
# The app's file names without content hashes: the watcher's live reload finds the stylesheet
# by its name, and a stale hash file beside the server would point the pages at an older build.
# (The islands' names keep theirs: tools/dev/build-server.)
export LEPTOS_HASH_FILES=false
rm -f "$CARGO_TARGET_DIR/debug/hash.txt"
export LEPTOS_SITE_ADDR="${SHOP_HOST:-127.0.0.1}:${SHOP_PORT:-3000}"
export SHOP_DEMO_ORDERS="${SHOP_DEMO_ORDERS:-true}"
step "building and watching the shop (debug); the first build takes several minutes"
exec cargo leptos watch --split --project storefront "$@"
