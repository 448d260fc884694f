#!/usr/bin/env bash
# Serve the site with gunicorn (gunicorn.conf.py: 127.0.0.1:$PORT) and run the background task worker
# beside it. Ctrl-C or SIGTERM to this script stops both; if either dies, the other is stopped too.
# Used by `make run` after set-up; expects the virtual environment to be synced already.
set -euo pipefail
cd "$(dirname "$0")/.."

UV="${UV:-uv}"
export PORT="${PORT:-8000}"

pids=()
stopping=0
stop_all() {
    local status=$?
    ((stopping)) && return
    stopping=1
    trap - INT TERM
    if ((${#pids[@]})); then
        echo "serve: stopping web server and task worker..." >&2
        kill -TERM "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
    fi
    exit "$status"
}
trap 'stop_all' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# $UV may be "python3 -m uv" when uv is not on PATH, hence unquoted.
# Before anything runs: fail what a killed worker left "running" and remove orphan files (ops/recovery.py).
# shellcheck disable=SC2086
$UV run --frozen --no-sync khuyencong recover_interrupted
# shellcheck disable=SC2086
$UV run --frozen --no-sync gunicorn --config gunicorn.conf.py &
pids+=($!)
# shellcheck disable=SC2086
$UV run --frozen --no-sync khuyencong db_worker --no-reload &
pids+=($!)

echo "serve: http://127.0.0.1:${PORT}/ (Ctrl-C stops the web server and the task worker)" >&2
# Return as soon as either process ends; the EXIT trap then stops the other.
set +e
wait -n "${pids[@]}"
status=$?
set -e
echo "serve: a process exited with status $status" >&2
exit "$status"
