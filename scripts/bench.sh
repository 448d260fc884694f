#!/usr/bin/env bash
# Every benchmark, on SQLite and on the PostgreSQL cluster whose URL is in BENCH_POSTGRES_URL (`make bench`
# starts a throwaway one). Each writes its report under bench/results/ and its figures under var/bench/.
#
#   scripts/bench.sh [NAME...]     names: search summary portal plan paperwork import (default: all)
#
# The data is national scale and generated once into var/bench/ (SQLite files; PostgreSQL is rebuilt in
# each throwaway cluster), so the first run takes longest. Each stage prints its duration.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN="${RUN:-.venv/bin/python}"
names=("$@")
((${#names[@]})) || names=(search summary portal plan paperwork import)

stage() {
    local name="$1"
    shift
    local start=$SECONDS
    echo "bench: $name..." >&2
    "$@"
    echo "bench: $name done in $((SECONDS - start)) s" >&2
}

for name in "${names[@]}"; do
    case "$name" in
        search) stage search $RUN -m bench.search ;;
        summary)
            stage "summary (SQLite)" $RUN -m bench.summary --backend sqlite
            [[ -n "${BENCH_POSTGRES_URL:-}" ]] && stage "summary (PostgreSQL)" $RUN -m bench.summary --backend postgresql
            ;;
        portal)
            stage "portal (SQLite)" $RUN -m bench.portal --backend sqlite
            [[ -n "${BENCH_POSTGRES_URL:-}" ]] && stage "portal (PostgreSQL)" $RUN -m bench.portal --backend postgresql
            ;;
        plan) stage plan $RUN -m bench.plan ;;
        paperwork) stage paperwork $RUN -m bench.paperwork ;;
        import)
            if [[ -f bench/import.py ]]; then stage import $RUN -m bench.import; fi
            ;;
        *) echo "bench: unknown benchmark '$name' (search summary portal plan paperwork import)" >&2; exit 2 ;;
    esac
done
