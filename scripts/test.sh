#!/usr/bin/env bash
# The whole test run behind `make test` (and so CI's .ci/run):
#
#   scripts/test.sh [STAGE...]     stages: deps lint sqlite postgres browser (default: all, in order)
#
# Each stage prints its duration. "deps" installs what the tests need (Debian's chromium, postgresql
# and pango when missing, the Python environment, npm assets); if it fails nothing else runs.
# Otherwise a failing stage does not stop the later ones (one run reports every failure); the
# script exits non-zero if any stage failed. PostgreSQL runs in a throwaway
# cluster (scripts/with-pgcluster.sh); browser tests drive Debian's Chromium. Neither is ever
# skipped: a server or browser that cannot start fails its stage.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

UV="${UV:-uv}"
# $UV may be "python3 -m uv", hence unquoted.
# shellcheck disable=SC2206
uv=($UV)
run=("${uv[@]}" run --frozen --no-sync)

# Tests see a clean, known environment: the SQLite stages must not pick up a developer's DATABASE_URL.
unset DATABASE_URL KHUYENCONG_EXPECT_DB
# HYPOTHESIS_PROFILE: `make test` sets "ci" (more examples); `make check` keeps conftest's "dev".
workers="${PYTEST_WORKERS:-2}"

# What mypy checks: the package, the tests, the root conftest, and bench/ once it has code.
mypy_paths=(khuyencong tests conftest.py)
compgen -G "bench/*.py" >/dev/null && mypy_paths+=(bench)

stage_deps() {
    scripts/system-packages.sh chromium postgresql pango &&
        "${uv[@]}" sync --frozen &&
        npm ci --no-audit --no-fund
}

stage_lint() {
    local status=0
    "${run[@]}" ruff check . || status=1
    "${run[@]}" ruff format --check . || status=1
    "${run[@]}" mypy "${mypy_paths[@]}" || status=1
    return "$status"
}

stage_sqlite() {
    "${run[@]}" pytest -n "$workers" -m "not browser"
}

stage_postgres() {
    KHUYENCONG_EXPECT_DB=postgresql scripts/with-pgcluster.sh DATABASE_URL \
        "${run[@]}" pytest -n "$workers" -m "not browser"
}

stage_browser() {
    "${run[@]}" pytest -m browser tests/browser
}

stages=("$@")
((${#stages[@]})) || stages=(deps lint sqlite postgres browser)

summary=()
failed=0
total_start=$SECONDS
for stage in "${stages[@]}"; do
    if ! declare -F "stage_$stage" >/dev/null; then
        echo "test.sh: unknown stage '$stage' (deps lint sqlite postgres browser)" >&2
        exit 2
    fi
    echo
    echo "==================== stage: $stage ===================="
    start=$SECONDS
    "stage_$stage"
    status=$?
    took=$((SECONDS - start))
    if ((status == 0)); then
        result="ok"
    else
        result="FAILED (exit $status)"
        failed=1
    fi
    echo "==================== stage $stage: $result in ${took}s ===================="
    summary+=("$(printf '  %-9s %-20s %5ss' "$stage" "$result" "$took")")
    if [[ "$stage" == deps && "$status" != 0 ]]; then
        echo "test.sh: could not install what the tests need; not running the tests" >&2
        break
    fi
done

echo
echo "make test summary (total $((SECONDS - total_start))s):"
printf '%s\n' "${summary[@]}"
exit "$failed"
