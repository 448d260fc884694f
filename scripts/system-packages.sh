#!/usr/bin/env bash
# Install Debian packages the given tools need, only when missing (apt-get update once, first).
#
#   scripts/system-packages.sh chromium postgresql gettext
#
# Known names: chromium (/usr/bin/chromium), postgresql (server binaries under
# /usr/lib/postgresql/*/bin), gettext (msgfmt), pango (the libpango-1.0 and libpangoft2-1.0 shared
# libraries WeasyPrint loads to lay out PDFs), wrk (the HTTP load generator of the portal benchmark). Runs apt-get as root, or through sudo.
set -euo pipefail

have() {
    case "$1" in
        chromium) [[ -x /usr/bin/chromium ]] ;;
        postgresql) compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null ;;
        gettext) command -v msgfmt >/dev/null && command -v xgettext >/dev/null ;;
        pango) have_library libpango-1.0.so.0 && have_library libpangoft2-1.0.so.0 ;;
        wrk) command -v wrk >/dev/null ;;
        *) echo "system-packages: unknown package $1" >&2; return 2 ;;
    esac
}

# WeasyPrint opens the libraries by soname, as the dynamic loader finds them.
have_library() {
    local ldconfig
    ldconfig="$(command -v ldconfig || echo /sbin/ldconfig)"
    if [[ -x "$ldconfig" ]]; then
        # grep reads the whole list (no -q): an early exit would fail the pipe under pipefail.
        "$ldconfig" -p | grep -F "$1 " >/dev/null
    else
        compgen -G "/usr/lib/*/$1" >/dev/null || compgen -G "/lib/*/$1" >/dev/null
    fi
}

# The Debian packages that provide a known name.
debian_packages() {
    case "$1" in
        pango) echo libpango-1.0-0 libpangoft2-1.0-0 ;;
        *) echo "$1" ;;
    esac
}

missing=()
for package in "$@"; do
    have "$package" || missing+=("$package")
done
((${#missing[@]})) || exit 0

debs=()
for package in "${missing[@]}"; do
    # shellcheck disable=SC2207
    debs+=($(debian_packages "$package"))
done

if [[ "$(id -u)" == 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null; then
    sudo=(sudo)
else
    echo "system-packages: need root to install: ${missing[*]} (apt-get install ${debs[*]})" >&2
    exit 1
fi

echo "system-packages: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${debs[@]}" >/dev/null

for package in "${missing[@]}"; do
    have "$package" || { echo "system-packages: $package still missing after apt-get install" >&2; exit 1; }
done
