#!/usr/bin/env bash
# Makes sure the Debian packages SwiftSER builds against are installed (see Docs/Dependencies.md).
#
# Checks each package with dpkg-query; installs the missing ones with apt-get (after `apt-get update`),
# through sudo when not running as root. Exits non-zero with a clear message when it cannot.
# Set SWIFTSER_SKIP_DEPS=1 to skip the check (e.g. on a non-Debian system with the libraries installed).
set -euo pipefail

PACKAGES=(libopenblas-dev libdnnl-dev liblapacke-dev libsndfile1-dev libsamplerate0-dev libkissfft-dev libsvm-dev pkg-config
          libopenmpi-dev openmpi-bin)

if [[ "${SWIFTSER_SKIP_DEPS:-0}" == "1" ]]; then
    echo "ensure-deps: SWIFTSER_SKIP_DEPS=1, not checking Debian packages"
    exit 0
fi

fail() {
    echo "ensure-deps: $1" >&2
    echo "SwiftSER needs these Debian packages: ${PACKAGES[*]}; install them with:" >&2
    echo "    sudo apt-get install ${missing[*]:-${PACKAGES[*]}}" >&2
    exit 1
}

missing=()
if ! command -v dpkg-query >/dev/null 2>&1; then
    missing=("${PACKAGES[@]}")
    fail "dpkg-query not found: this does not look like a Debian-based system."
fi

for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$p")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "ensure-deps: Debian packages present (${PACKAGES[*]})"
    exit 0
fi

echo "ensure-deps: installing missing Debian packages: ${missing[*]}"
if [[ "$(id -u)" -eq 0 ]]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    fail "not root and sudo is not available, so the missing packages (${missing[*]}) cannot be installed."
fi
if ! command -v apt-get >/dev/null 2>&1; then
    fail "apt-get not found."
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update || fail "apt-get update failed."
"${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}" \
    || fail "apt-get install ${missing[*]} failed."

for p in "${missing[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || fail "package $p is still not installed after apt-get."
done
echo "ensure-deps: installed ${missing[*]}"
