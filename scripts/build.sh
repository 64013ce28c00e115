#!/usr/bin/env bash
# Builds the release site: the browser bundle split by route (each page a first visit does not
# need is a chunk of its own, see app/src/split.rs), with brotli and gzip copies for the server
# to send as they are, then the server.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

# The browser bundle is built with its own standard library, made for size: a panic aborts at
# once (no message formatting, no panic machinery), no source locations, and `{:?}` prints
# nothing. Together about 10% off what every shopper downloads. These are unstable options of
# the stable compiler, enabled for this build alone by RUSTC_BOOTSTRAP; the server and the
# tests build as usual.
front() {
  RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" \
    cargo leptos build --release --frontend-only "$@" \
    --lib-cargo-args=-Zbuild-std=std,panic_abort \
    --lib-cargo-args=-Zbuild-std-features=optimize_for_size
}
# Two bundles (app/src/islands.rs): the app's, split by route, and the islands of the pages a
# first visit lands on, split by island (each page's own island is lazy: the home page loads
# the header's alone). Each build empties its own site folder, so the islands' is built apart
# and its code, chunks, loader and manifest copied beside the app's (all named by content hash).
front --project storefront --split
front --project islands --split
cp "$CARGO_TARGET_DIR"/islands-site/pkg/*.{js,wasm,json} "$CARGO_TARGET_DIR/site/pkg/"
# The glue's type checks name the browser's own constructors (tools/glue-globals.mjs).
node tools/glue-globals.mjs "$CARGO_TARGET_DIR/site/pkg"
node tools/precompress.mjs "$CARGO_TARGET_DIR/site/pkg" >/dev/null
cargo leptos build --release --split --server-only --project storefront
