#!/usr/bin/env bash
# Prints the path of Debian's Chromium for the browser tests, installing it (and the CJK fonts the
# pages need) when missing. No browser is downloaded from elsewhere: puppeteer-core drives this one.
set -euo pipefail
bin=$(command -v chromium || true)
if [ -z "$bin" ] || [ -z "$(fc-list :lang=zh family 2>/dev/null)" ]; then
  echo "chromium.sh: installing Debian's chromium and fonts-noto-cjk" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq chromium fonts-noto-cjk >&2
  bin=$(command -v chromium)
fi
echo "$bin"
