#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (never a browser download). Installs it when missing;
# quick and silent when it is already there. CHROMIUM_PATH points elsewhere if it lives elsewhere.
set -euo pipefail
path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$path" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: $path is missing; run as root: apt-get update && apt-get install -y --no-install-recommends chromium" >&2
  exit 1
fi
echo "ensure-chromium: installing Debian's chromium for the browser tests"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
"$path" --version
