#!/usr/bin/env bash
# Installs what building the shop needs, skipping whatever is already there: the wasm32 target
# and the standard library's source, mold, cargo-leptos, the wasm-bindgen CLI matching
# Cargo.lock and wasm-opt (npm binaryen).
#
#   scripts/setup.sh          what building and running the shop needs (scripts/run.sh)
#   scripts/setup.sh tests    that and what the tests need too: Chromium, sqlite3, cargo-audit,
#                             the npm test tools (Playwright, axe, s3rver, Lighthouse) and the
#                             Python ones (aiosmtpd, the mail server the tests send to;
#                             localstripe, the Stripe the card tests pay)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
tests=""
case "${1:-}" in
  "") ;;
  tests) tests=1 ;;
  *) echo "usage: $0 [tests]" >&2; exit 2 ;;
esac

CARGO_LEPTOS_VERSION=0.3.10
AIOSMTPD_VERSION=1.4.6
LOCALSTRIPE_VERSION=1.15.10
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi
# The browser bundle rebuilds the standard library for size (scripts/build.sh).
if ! rustup component list --installed | grep -qx rust-src; then
  step "adding the standard library's source"
  rustup component add rust-src
fi

missing_apt=()
command -v mold >/dev/null || missing_apt+=(mold)
command -v node >/dev/null || missing_apt+=(nodejs npm)
if [ -n "$tests" ]; then
  [ -x /usr/bin/chromium ] || missing_apt+=(chromium)
  # The browser tests put a message the mail server refused into the test shop's queue.
  command -v sqlite3 >/dev/null || missing_apt+=(sqlite3)
fi
if [ ${#missing_apt[@]} -gt 0 ]; then
  step "installing ${missing_apt[*]} from apt"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing_apt[@]}" >/dev/null
fi

if [ "$(cargo leptos --version 2>/dev/null || true)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
  step "installing cargo-leptos $CARGO_LEPTOS_VERSION (a one-time build of several minutes)"
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a one-time build of several minutes)"
  # Not --locked: its lock file names a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# tools/ holds wasm-opt (a dependency) and the test and benchmark tools (dev dependencies).
# A mark in node_modules says which were installed, so that a test run completes a folder
# installed for running only.
npm_install() {
  local dir="$1" want=run omit=(--omit=dev) have=""
  [ -n "$tests" ] && { want=tests; omit=(); }
  [ -e "$dir/node_modules/.casefront-run" ] && have=run
  [ -e "$dir/node_modules/.casefront-tests" ] && have=tests
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ] ||
    [ -z "$have" ] || [ "$have:$want" = run:tests ]; then
    step "installing npm packages in $dir ($want)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error "${omit[@]}")
    touch "$dir/node_modules/.casefront-$want"
  fi
}
npm_install tools
[ -n "$tests" ] || exit 0

if ! cargo audit --version >/dev/null 2>&1; then
  step "installing cargo-audit (a one-time build of several minutes)"
  cargo install cargo-audit --locked --no-default-features
fi

npm_install end2end

# Python test tools live in their own environment beside the build cache (scripts/env.sh).
python_tool() {
  local name="$1" version="$2" why="$3"
  local installed
  installed="$("$PY_TOOLS/bin/python" -c "import importlib.metadata as m; print(m.version('$name'))" 2>/dev/null || true)"
  if [ "$installed" != "$version" ]; then
    step "installing $name $version (PyPI) $why"
    [ -x "$PY_TOOLS/bin/pip" ] || python3 -m venv "$PY_TOOLS"
    "$PY_TOOLS/bin/pip" install --quiet --disable-pip-version-check "$name==$version"
  fi
}
python_tool aiosmtpd "$AIOSMTPD_VERSION" "for the mail tests"
python_tool localstripe "$LOCALSTRIPE_VERSION" "for the Stripe tests"
