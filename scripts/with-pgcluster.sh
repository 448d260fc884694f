#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster (scripts/pgcluster.sh), then remove the cluster,
# whether the command passed, failed or was interrupted.
#
#   scripts/with-pgcluster.sh VAR command [args...]
#
# The cluster's URL is exported in the environment variable VAR (e.g. DATABASE_URL). The command's
# exit status is returned; a cluster that cannot start is an error (exit 1), never a skip.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

[[ $# -ge 2 ]] || { echo "usage: $0 VAR command [args...]" >&2; exit 2; }
var="$1"
shift

# Always under /tmp: the socket path must stay short and the postgres user must reach it.
dir="$(mktemp -d /tmp/kc-pg.XXXXXX)"
cleanup() { "$here/pgcluster.sh" stop "$dir" || true; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

url="$("$here/pgcluster.sh" start "$dir")"
echo "with-pgcluster: PostgreSQL running at $url" >&2
export "$var=$url"
set +e
"$@"
status=$?
set -e
exit "$status"
