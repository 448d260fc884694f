#!/usr/bin/env bash
# Install Debian packages the given tools need, only when missing (apt-get update once, first).
#
#   scripts/system-packages.sh chromium postgresql gettext
#
# Known names: chromium (/usr/bin/chromium), postgresql (server binaries under
# /usr/lib/postgresql/*/bin), gettext (msgfmt). Runs apt-get as root, or through sudo.
set -euo pipefail

have() {
    case "$1" in
        chromium) [[ -x /usr/bin/chromium ]] ;;
        postgresql) compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null ;;
        gettext) command -v msgfmt >/dev/null && command -v xgettext >/dev/null ;;
        *) echo "system-packages: unknown package $1" >&2; return 2 ;;
    esac
}

missing=()
for package in "$@"; do
    have "$package" || missing+=("$package")
done
((${#missing[@]})) || exit 0

if [[ "$(id -u)" == 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null; then
    sudo=(sudo)
else
    echo "system-packages: need root to install: ${missing[*]} (apt-get install ${missing[*]})" >&2
    exit 1
fi

echo "system-packages: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null

for package in "${missing[@]}"; do
    have "$package" || { echo "system-packages: $package still missing after apt-get install" >&2; exit 1; }
done
