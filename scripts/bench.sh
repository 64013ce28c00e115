#!/usr/bin/env bash
# Front-end and server benchmarks on the release build: what a first visit to the home,
# catalog, product, cart and checkout pages downloads (JS + WASM + CSS, transferred and raw),
# their Lighthouse scores (mobile and desktop presets, in Debian's Chromium), and the SSR
# throughput and latency of the pages at 64 connections, as a browser asks for them
# (compressed) and uncompressed, with the /help page (no database reads) measured in the same
# run as the yardstick.
#
#   scripts/bench.sh [sqlite|postgres]        (figures go in docs/performance.md by hand)
#
# BENCH_SCALE=10 multiplies the demo catalog's SKUs by ten (copies of every SKU, inactive
# variants included) to show whether a page's cost grows with SKUs it does not show.
# BENCH_SECONDS (10) and BENCH_ROUNDS (1) set how long each wrk run lasts and how many times
# every page is measured; with several rounds the medians and worst p99 close the report.
# BENCH_BROWSER=0 skips the first-load and Lighthouse parts (server figures only).
# BENCH_THROTTLING=devtools has Lighthouse time a really slowed-down load instead of
# simulating one from a fast load (its default, `simulate`).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"
"$REPO_ROOT/scripts/setup.sh" tests >/dev/null
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

engine="${1:-sqlite}"
port="${BENCH_PORT:-3300}"
scale="${BENCH_SCALE:-1}"
source scripts/shop.sh
fresh_database "$engine" bench || { echo "usage: $0 [sqlite|postgres]" >&2; exit 2; }
start_server shop "$port"
ready "$port"
if [ "$scale" -gt 1 ]; then
  # More SKUs of the same products, none of them shown: copies of every SKU, made inactive.
  for i in $(seq 2 "$scale"); do
    run "INSERT INTO skus (code, product_id, phone_model_id, style, colour, price_cents, stock, image_path, active, sort_order) SELECT code || '-X$i', product_id, phone_model_id, style, colour, price_cents, stock, image_path, 0, sort_order FROM skus WHERE code NOT LIKE '%-X%';" ||
      { echo "cannot scale the catalog: the skus table changed; update scripts/bench.sh" >&2; exit 1; }
  done
fi

if [ "${BENCH_BROWSER:-1}" != 0 ]; then
step "first load (headless Chromium)"
node tools/bench/first-load.mjs --url "http://127.0.0.1:$port"

step "Lighthouse, mobile and desktop presets"
echo "page | preset | performance | accessibility | best practices | SEO | LCP | CLS | TBT"
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"
for path in / /shop /products/signature-case /cart /checkout; do
  for preset in mobile desktop; do
    extra=(--throttling-method="${BENCH_THROTTLING:-simulate}"); [ "$preset" = desktop ] && extra+=(--preset=desktop)
    # Debian's Chromium now and then loses the trace of a load (NO_NAVSTART): try again.
    ok=""
    for _ in 1 2 3; do
      rm -f "$data/lh.json"
      CHROME_PATH=/usr/bin/chromium lighthouse "http://127.0.0.1:$port$path" --quiet "${extra[@]}" \
        --output=json --output-path="$data/lh.json" --chrome-flags="$flags" >/dev/null 2>&1 &&
        python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])).get("runtimeError") is not None)' "$data/lh.json" &&
        { ok=1; break; }
    done
    [ -n "$ok" ] || { echo "$path | $preset | Lighthouse failed three times"; continue; }
    python3 - "$data/lh.json" "$path" "$preset" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
score = lambda c: round(report["categories"][c]["score"] * 100)
audit = lambda a: report["audits"][a]["displayValue"]
print(" | ".join([sys.argv[2], sys.argv[3], *(str(score(c)) for c in ("performance", "accessibility", "best-practices", "seo")),
                  audit("largest-contentful-paint"), audit("cumulative-layout-shift"), audit("total-blocking-time")]))
PY
  done
done

fi

# What a returning shopper's browser sends with every page request (its codecs and the time
# zone cookie the pages keep); the uncompressed figure beside it.
BROWSER_ENCODINGS="gzip, deflate, br, zstd"
# Safari's list: no zstd, so it gets brotli.
SAFARI_ENCODINGS="gzip, deflate, br"
RETURNING_COOKIE="casefront_tz=Europe/Berlin"
seconds="${BENCH_SECONDS:-10}"
rounds="${BENCH_ROUNDS:-1}"
step "server: 64 connections, ${seconds} s per page and encoding, $rounds round(s) ($engine, catalog x$scale)"
echo "page | encoding | round | requests/s | p50 | p99 | errors | x uncompressed"
: >"$data/rounds.txt"
for path in /help / /shop /products/signature-case; do
  # Rounds alternate the encodings, so that a slow spell of the machine falls on both.
  for round in $(seq "$rounds"); do
    plain=""
    for encoding in identity "$BROWSER_ENCODINGS" "$SAFARI_ENCODINGS"; do
      wrk -t2 -c64 -d"${seconds}s" --latency -H "Accept-Encoding: $encoding" -H "Cookie: $RETURNING_COOKIE" \
        "http://127.0.0.1:$port$path" >"$data/wrk.txt"
      rps=$(awk '/Requests\/sec/ {print $2}' "$data/wrk.txt")
      p50=$(awk '$1 == "50%" {print $2}' "$data/wrk.txt")
      p99=$(awk '$1 == "99%" {print $2}' "$data/wrk.txt")
      errors=$(awk '/Non-2xx|Socket errors/ {print}' "$data/wrk.txt" | paste -sd' ')
      [ -z "$plain" ] && plain="$rps"
      ratio=$(awk -v a="$rps" -v b="$plain" 'BEGIN { printf "%.2f", a / b }')
      echo "$path | $encoding | $round | $rps | $p50 | $p99 | ${errors:-none} | $ratio"
      printf '%s\t%s\t%s\t%s\n' "$path" "$encoding" "$rps" "$p99" >>"$data/rounds.txt"
    done
  done
done
if [ "$rounds" -gt 1 ]; then
  step "medians of the $rounds rounds"
  python3 - "$data/rounds.txt" <<'PY'
import statistics, sys
def ms(text):
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
runs = {}
for line in open(sys.argv[1]):
    path, encoding, rps, p99 = line.rstrip("\n").split("\t")
    runs.setdefault(path, {}).setdefault(encoding, []).append((float(rps), ms(p99)))
print("page | encoding | median requests/s | median p99 | worst p99 | x uncompressed (median of rounds)")
for path, encodings in runs.items():
    plain = [rps for rps, _ in encodings["identity"]]
    for encoding, figures in encodings.items():
        ratios = [rps / base for (rps, _), base in zip(figures, plain)]
        p99s = [p99 for _, p99 in figures]
        print(f"{path} | {encoding} | {statistics.median(r for r, _ in figures):,.0f} | "
              f"{statistics.median(p99s):.1f} ms | {max(p99s):.1f} ms | {statistics.median(ratios):.2f}")
PY
fi
