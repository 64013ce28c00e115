#!/usr/bin/env bash
# Runs every check and test: formatting, the layers (no import circle), the RustSec advisory
# audit, lints for the server and browser builds, unit and integration tests (SQLite and
# PostgreSQL), the release build, the checkout load and multi-instance checks, the storm of
# clients leaving mid-page, and the browser tests. This is what CI runs.
#
#   scripts/test.sh --quick    the development loop: formatting, layers, server lints, and the
#                              unit, route and SQLite integration tests (no PostgreSQL, no
#                              release build, no browser)
set -euo pipefail
source "$(dirname "$0")/env.sh"
quick=""
[ "${1:-}" = "--quick" ] && quick=yes
"$REPO_ROOT/scripts/setup.sh" tests
cd "$REPO_ROOT"

step "formatting"
cargo fmt --all --check

step "layers: no import circle, nothing reaching up into the staff pages (docs/architecture.md)"
"${IMPORT_CIRCLES:-$REPO_ROOT/../shared/bin/import-circles}" --deny admin --above lib.rs,split.rs app/src

if [ -z "$quick" ]; then
step "supply chain: RustSec advisories (the database copy in shared/, no network)"
advisories="${ADVISORY_DB:-$REPO_ROOT/../shared/advisory-db}"
audit() { cargo audit --db "$advisories" --no-fetch --stale "$@"; }
# The gate must be able to fail: a lock file with a known-vulnerable crate is refused first.
if canary=$(audit --file tools/audit/vulnerable.lock 2>&1) || ! grep -q RUSTSEC-2021-0003 <<<"$canary"; then
  echo "cargo audit did not report the known vulnerability in tools/audit/vulnerable.lock:" >&2
  echo "$canary" >&2
  exit 1
fi
audit
# .cargo/audit.toml ignores the rsa advisory only because rsa is never built.
if [ -n "$(cargo tree -i rsa --target all -e normal,build 2>/dev/null)" ]; then
  echo "rsa is now built into the shop: RUSTSEC-2023-0071 can no longer be ignored" >&2
  exit 1
fi

fi

step "lints: server build (ssr)"
cargo clippy -p app -p server --features app/ssr --all-targets -- -D warnings
if [ -z "$quick" ]; then
step "lints: browser builds (hydrate, wasm32: the app's bundle, and the islands')"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p islands --target wasm32-unknown-unknown -- -D warnings
fi

step "PostgreSQL"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
# Databases left by interrupted test runs.
psql -h 127.0.0.1 -U postgres -d postgres -Atc \
  "SELECT datname FROM pg_database WHERE datname LIKE 'shop\_test\_%'" |
  while read -r db; do psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"; done

# The test servers listen on ports of their own, free now, so a server left running by
# anything else can never answer in their place.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Waits until `pid` accepts connections on `port`; fails if it exits first.
wait_for() {
  local name="$1" pid="$2" port="$3"
  for _ in $(seq 150); do
    kill -0 "$pid" 2>/dev/null || { echo "$name did not start:" >&2; cat "$4" >&2; exit 1; }
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "$name is not listening on port $port" >&2
  exit 1
}

step "S3-compatible storage for the photo tests (s3rver, which checks request signatures)"
s3_data="$(mktemp -d)"
s3_port="$(free_port)"
s3rver -d "$s3_data" -a 127.0.0.1 -p "$s3_port" --silent --configure-bucket casefront-test >"$s3_data.log" 2>&1 &
s3_pid=$!

step "a mail server for the mail tests (aiosmtpd, keeping what it receives in a maildir)"
maildir="$(mktemp -d)"
mkdir -p "$maildir/tmp" "$maildir/new" "$maildir/cur"
smtp_port="$(free_port)"
aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$maildir" >"$maildir.log" 2>&1 &
smtp_pid=$!
step "a Stripe for the card tests (localstripe: Stripe's API and a Stripe.js stand-in on one port)"
stripe_log="$(mktemp)"
stripe_port="$(free_port)"
# It keeps its state in /tmp/localstripe.pickle: --from-scratch starts it empty.
localstripe --port "$stripe_port" --from-scratch >"$stripe_log" 2>&1 &
stripe_pid=$!
trap 'kill "$s3_pid" "$smtp_pid" "$stripe_pid" 2>/dev/null; rm -rf "$s3_data" "$s3_data.log" "$maildir" "$maildir.log" "$stripe_log"' EXIT
wait_for s3rver "$s3_pid" "$s3_port" "$s3_data.log"
wait_for aiosmtpd "$smtp_pid" "$smtp_port" "$maildir.log"
wait_for localstripe "$stripe_pid" "$stripe_port" "$stripe_log"
export LOCALSTRIPE_URL="http://127.0.0.1:$stripe_port"
export TEST_S3_URL="http://127.0.0.1:$s3_port" TEST_S3_BUCKET=casefront-test
export TEST_SMTP_URL="smtp://127.0.0.1:$smtp_port" TEST_SMTP_MAILDIR="$maildir"

if [ -n "$quick" ]; then
  step "unit, route and integration tests (SQLite only)"
  cargo test -p app -p server --features app/ssr -- --skip postgres::
  exit 0
fi

step "unit and integration tests (SQLite and PostgreSQL)"
cargo test -p app -p server --features app/ssr
step "the fixes carried on leptos and reactive_graph (docs/leptos-patches.md)"
cargo test -p reactive_graph --features hydration,sandboxed-arenas --lib owner::
cargo test -p leptos --lib suspense_component::settled

step "release build (server and WASM)"
scripts/build.sh

step "size budgets of the browser bundle (tools/bench/budgets.json)"
# The gate must be able to fail: a budget of one byte is refused first.
echo '{"firstLoad": 1, "splitPages": {}}' >"$CARGO_TARGET_DIR/budgets-canary.json"
if node tools/bench/budget.mjs "$CARGO_TARGET_DIR/site/pkg" "$CARGO_TARGET_DIR/budgets-canary.json" >/dev/null 2>&1; then
  echo "tools/bench/budget.mjs passed a one-byte budget" >&2
  exit 1
fi
node tools/bench/budget.mjs "$CARGO_TARGET_DIR/site/pkg"

# The checkout under a burst, on both engines, and two instances on one database with a
# crash: correctness checks (every checkout placed, the books balance), not timings.
scripts/load.sh sqlite 64 500
scripts/load.sh postgres 64 500
# The same books through Stripe (localstripe bounds the rate: a few checkouts a second).
LOAD_PAYMENTS=stripe scripts/load.sh sqlite 8 60
scripts/instances.sh
# Clients that leave mid-page (issue 32): no panic, no stalled worker, a bounded stop.
scripts/storm.sh sqlite 20 4
scripts/storm.sh postgres 20 4

step "browser tests (headless Chromium)"
# The PayPal stand-in the browser tests pay through (end2end/start-paypal.sh).
cargo build -q -p paypal-standin --bin paypal-standin
cd end2end
npx playwright test
