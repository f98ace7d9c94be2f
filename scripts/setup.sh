#!/usr/bin/env bash
# Installs every Debian package edgesim needs to build and test. Idempotent: a machine that already
# has everything pays one dpkg query and prints nothing. Used by README, CI and developers alike.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  libboost-dev libcpp-httplib-dev nlohmann-json3-dev libabsl-dev libgtest-dev libgmock-dev
  libbenchmark-dev libxxhash-dev libpugixml-dev libcli11-dev zlib1g-dev
  curl python3
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
