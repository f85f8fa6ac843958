#!/bin/sh
# Chromium for the browser tests (tests/test_browser.py), from Debian's packages.
# Quick and silent when it is there already; installs it when running as root with apt-get;
# otherwise says how and exits 0: the browser tests are then skipped, saying why.
set -u

if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing: the browser tests will be skipped. Install it with" \
    "\`sudo apt-get install chromium\` (Debian) or your system's package manager."
  exit 0
fi

echo "Chromium is missing: installing it with apt-get for the browser tests (a minute or two)."
log=$(mktemp)
export DEBIAN_FRONTEND=noninteractive
if apt-get update -qq >"$log" 2>&1 &&
  apt-get install -y -qq chromium >>"$log" 2>&1 </dev/null; then
  rm -f "$log"
else
  tail -n 20 "$log" >&2
  rm -f "$log"
  echo "Installing Chromium failed (above): the browser tests will be skipped." >&2
fi
exit 0
