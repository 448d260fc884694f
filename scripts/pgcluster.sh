#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks.
#
#   scripts/pgcluster.sh start DIR [PORT]   initdb + start, create database $PGCLUSTER_DB (default
#                                           khuyencong); prints its URL on stdout (and writes it to
#                                           DIR/database_url)
#   scripts/pgcluster.sh stop DIR           stop the server and remove DIR
#   scripts/pgcluster.sh url DIR            print the DATABASE_URL of a running cluster
#
# The server listens only on a unix socket inside DIR (no TCP), trusts local connections, and runs
# with fsync off: fast, and private to this machine. PostgreSQL refuses to run as root, so when
# started by root (as CI is) the server runs as the `postgres` user through runuser. The server
# binaries are found under /usr/lib/postgresql/*/bin (Debian's layout; the newest version wins),
# or on PATH. Any failure to start exits non-zero with the server log on stderr: callers fail, never
# skip.
set -euo pipefail

die() {
    echo "pgcluster: $*" >&2
    exit 1
}

usage() {
    echo "usage: $0 start DIR [PORT] | stop DIR | url DIR" >&2
    exit 2
}

find_bindir() {
    local candidate best=""
    for candidate in /usr/lib/postgresql/*/bin; do
        [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]] || continue
        # Keep the highest major version (sort -V on the version component).
        if [[ -z "$best" ]] || [[ "$(printf '%s\n%s\n' "$best" "$candidate" | sort -V | tail -n 1)" == "$candidate" ]]; then
            best="$candidate"
        fi
    done
    if [[ -z "$best" ]] && command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        best="$(dirname "$(command -v initdb)")"
    fi
    [[ -n "$best" ]] || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
    echo "$best"
}

# Run a command as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

database_url() {
    local dir="$1" port="$2" database="$3"
    # Percent-encode the socket directory as the host: dj-database-url then fills HOST and PORT.
    echo "postgres://postgres@${dir//\//%2F}:${port}/${database}"
}

cmd_start() {
    local dir="$1" port="${2:-55432}" database="${PGCLUSTER_DB:-khuyencong}"
    local bindir data log
    [[ "$database" =~ ^[a-z_][a-z0-9_]*$ ]] || die "PGCLUSTER_DB must be a plain lower-case name: $database"
    bindir="$(find_bindir)"
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd -P)"
    # Unix socket paths are limited to 107 bytes: DIR/.s.PGSQL.PORT must fit.
    (( ${#dir} <= 90 )) || die "directory path too long for a unix socket: $dir"
    data="$dir/data"
    log="$dir/server.log"
    [[ ! -e "$data/PG_VERSION" ]] || die "$dir already holds a cluster; stop it first"

    if [[ "$(id -u)" == 0 ]]; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' user to run the server as (apt-get install postgresql)"
        chown postgres: "$dir"
        chmod 700 "$dir"
    fi
    touch "$dir/.pgcluster"

    as_owner "$bindir/initdb" --pgdata="$data" --username=postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

    cat >>"$data/postgresql.conf" <<EOF

# pgcluster.sh: throwaway test cluster, unix socket only, durability off for speed.
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
shared_buffers = 128MB
EOF

    as_owner "$bindir/pg_ctl" --pgdata="$data" --log="$log" --wait --timeout=60 start >/dev/null \
        || { [[ -f "$log" ]] && tail -n 50 "$log" >&2; die "server did not start (log: $log)"; }

    as_owner "$bindir/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE DATABASE $database" >/dev/null \
        || die "could not create database $database"

    local url
    url="$(database_url "$dir" "$port" "$database")"
    echo "$url" >"$dir/database_url"
    echo "$port" >"$dir/port"
    echo "$bindir" >"$dir/bindir"
    echo "$url"
}

cmd_stop() {
    local dir="$1"
    [[ -d "$dir" ]] || return 0
    [[ -f "$dir/.pgcluster" ]] || die "$dir was not made by pgcluster.sh; not touching it"
    local bindir
    bindir="$(cat "$dir/bindir" 2>/dev/null || find_bindir)"
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        as_owner "$bindir/pg_ctl" --pgdata="$dir/data" --mode=fast --wait --timeout=60 stop >/dev/null \
            || echo "pgcluster: pg_ctl stop failed for $dir" >&2
    fi
    rm -rf "$dir"
}

cmd_url() {
    local dir="$1"
    [[ -f "$dir/database_url" ]] || die "no running cluster in $dir"
    cat "$dir/database_url"
}

[[ $# -ge 2 ]] || usage
case "$1" in
    start) cmd_start "$2" "${3:-}" ;;
    stop) cmd_stop "$2" ;;
    url) cmd_url "$2" ;;
    *) usage ;;
esac
