#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the tests and the lab need,
# only those that are missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libssl-dev openssl libcurl4-openssl-dev libcli11-dev libyaml-cpp-dev catch2 libmicrohttpd-dev
  python3 python3-yaml nginx-light tinyproxy curl procps time
  prometheus  # the monitoring tests: promtool and a server of their own
  dpkg-dev file lintian groff man-db
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
# Packages must not start services: the tests start their own servers on
# 127.0.0.1 (a packaged prometheus would take port 9090 and run on).
no_start=""
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  no_start=1
fi
status=0
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || status=$?
[[ -n "$no_start" ]] && rm -f /usr/sbin/policy-rc.d
if dpkg-query -W -f='${Status}' prometheus 2>/dev/null | grep -q "install ok installed"; then
  # Also when a service manager started it before this script ran.
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    systemctl disable --now prometheus >/dev/null 2>&1 || true
  else
    invoke-rc.d prometheus stop >/dev/null 2>&1 || true
    update-rc.d prometheus disable >/dev/null 2>&1 || true
  fi
fi
exit "$status"
