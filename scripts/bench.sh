#!/usr/bin/env bash
# Every benchmark, on SQLite and on the PostgreSQL cluster whose URL is in BENCH_POSTGRES_URL (`make bench`
# starts a throwaway one). Each writes its report under bench/results/ and its figures under var/bench/.
#
#   scripts/bench.sh [NAME...]     names: dataset search summary portal plan paperwork import queries soak
#                                  (default: all); the table bench/results/bench-<date>.md is written last
#
# The data is national scale and generated once into var/bench/ (SQLite files; PostgreSQL is rebuilt in
# each throwaway cluster), so the first run takes longest. Each stage prints its duration.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN="${RUN:-.venv/bin/python}"
names=("$@")
((${#names[@]})) || names=(dataset search summary portal plan paperwork import queries soak)
SOAK_SECONDS="${SOAK_SECONDS:-600}"

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
        dataset)
            stage "dataset (SQLite)" $RUN -m bench.dataset --backend sqlite
            [[ -n "${BENCH_POSTGRES_URL:-}" ]] && stage "dataset (PostgreSQL)" $RUN -m bench.dataset --backend postgresql
            ;;
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
            # django-import-export takes ~8 ms a row: compared per row on 10,000 (BENCH_IMPORT_COMPARE_ROWS).
            stage import $RUN -m bench.import --compare-rows "${BENCH_IMPORT_COMPARE_ROWS:-10000}"
            ;;
        queries) stage queries $RUN -m bench.queries ;;
        soak)
            # The long soak on one backend (PostgreSQL when there is one: the ministry's database); the other
            # gets a short one (SOAK_OTHER_SECONDS) so both are exercised.
            if [[ -n "${BENCH_POSTGRES_URL:-}" ]]; then
                stage "soak (PostgreSQL)" $RUN -m bench.soak --backend postgresql --seconds "$SOAK_SECONDS"
                stage "soak (SQLite)" $RUN -m bench.soak --backend sqlite --seconds "${SOAK_OTHER_SECONDS:-120}"
            else
                stage "soak (SQLite)" $RUN -m bench.soak --backend sqlite --seconds "$SOAK_SECONDS"
            fi
            ;;
        *) echo "bench: unknown benchmark '$name' (dataset search summary portal plan paperwork import queries soak)" >&2; exit 2 ;;
    esac
done
stage report $RUN -m bench.report
