#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the tests and the lab need,
# only those that are missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libssl-dev openssl libcurl4-openssl-dev libcli11-dev libyaml-cpp-dev catch2
  python3 nginx-light tinyproxy curl procps time
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "missing Debian packages: ${missing[*]}" >&2
  echo "install them as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
