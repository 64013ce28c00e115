#!/usr/bin/env bash
# Builds the release site: the server, and the browser bundle split by route (each page a
# first visit does not need is a chunk of its own, see app/src/split.rs), with brotli and
# gzip copies of the bundle for the server to send as they are.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
cargo leptos build --release --split
node tools/precompress.mjs "$CARGO_TARGET_DIR/site/pkg" >/dev/null
