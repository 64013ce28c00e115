# Sourced by the load, multi-instance and benchmark scripts (after env.sh): a throw-away
# database, release servers on it, and their removal when the script exits.

declare -A servers=()

# fresh_database ENGINE TAG: an empty SQLite file or PostgreSQL database (shop_TAG_PID) in
# $url, a scratch folder in $data, and two helpers: `sql QUERY` prints the first column of the
# first row, `run STATEMENTS` executes.
fresh_database() {
  engine="$1"
  data="$(mktemp -d)"
  trap stop_shop EXIT
  case "$engine" in
    sqlite)
      url="sqlite://$data/shop.db"
      sql() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$data/shop.db" "$1"; }
      run() { python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()' "$data/shop.db" "$1"; }
      ;;
    postgres)
      admin="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
      name="shop_$2_$$"
      psql "$admin" -qc "CREATE DATABASE $name"
      url="${admin%/*}/$name"
      sql() { psql "$url" -Atc "$1"; }
      run() { psql "$url" -qc "$1"; }
      ;;
    *) echo "unknown database engine: $engine (sqlite or postgres)" >&2; return 2 ;;
  esac
}

# start_server NAME PORT: a release server on the database, its log in $data/NAME.log.
start_server() {
  [ -x "$CARGO_TARGET_DIR/release/server" ] || scripts/build.sh
  SHOP_PORT="$2" SHOP_DATA_DIR="$data/$1" DATABASE_URL="$url" RUST_LOG="${RUST_LOG:-warn}" \
    LEPTOS_SITE_ROOT="$CARGO_TARGET_DIR/site" "$CARGO_TARGET_DIR/release/server" >"$data/$1.log" 2>&1 &
  servers[$1]=$!
}

# ready PORT: waits until the server on PORT answers its health check.
ready() {
  for _ in $(seq 150); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return; sleep 0.2; done
  echo "the server on port $1 never came up" >&2
  exit 1
}

# stop_server NAME [SIGNAL]: stops one server (kill -9 with SIGNAL=KILL).
stop_server() {
  kill "-${2:-TERM}" "${servers[$1]}" 2>/dev/null || true
  wait "${servers[$1]}" 2>/dev/null || true
  unset "servers[$1]"
}

# Stops every server, prints what they logged as errors, and removes the database.
stop_shop() {
  for server in "${!servers[@]}"; do stop_server "$server"; done
  grep -h " ERROR " "$data"/*.log 2>/dev/null | tail -n 20 || true
  if [ "${keep_data:-}" = yes ]; then
    echo "kept for a closer look: $data${name:+ and the database $name}" >&2
    return
  fi
  [ "$engine" = postgres ] && psql "$admin" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)"
  rm -rf "$data"
}
