#!/usr/bin/env bash
# Installs the system libraries goldsweep builds against (Debian 12 / Ubuntu 22.04+):
# GDAL and PROJ with headers, their command-line tools, pkg-config, and libclang for the PROJ
# bindings; with --bench-tools also Python's GDAL bindings and SciPy, used only by the
# comparison scripts under benches/ and their self-tests. Does nothing when all are present.
set -euo pipefail

packages=(pkg-config libgdal-dev libproj-dev gdal-bin proj-bin libclang1-14 libclang-common-14-dev)
[ "${1:-}" = "--bench-tools" ] && packages+=(python3-gdal python3-numpy python3-scipy)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing system packages: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
