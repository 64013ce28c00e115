# Shared settings for the scripts: sourced, not run.
# Build output lives outside the clone so every checkout (and CI's fresh clone) reuses it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/casefront/target}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT
# cargo-leptos finds wasm-opt (npm binaryen) and wasm-bindgen here instead of downloading them,
# behind tools/bin, which skips their work when the WASM did not change.
# Python test tools (aiosmtpd) in a virtual environment of their own.
export PY_TOOLS="${PY_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/casefront/python}"
export PATH="$REPO_ROOT/tools/bin:$REPO_ROOT/tools/node_modules/.bin:$PY_TOOLS/bin:$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

step() { printf '\n==> %s\n' "$*"; }
