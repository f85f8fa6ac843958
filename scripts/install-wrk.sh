#!/bin/sh
# wrk, the HTTP load generator bench-site drives the servers with, from Debian's packages.
# Quick and silent when it is there already; installs it when running as root with apt-get;
# otherwise says how and exits 0: scripts/bench_site.py then stops, saying the same.
set -u

if command -v wrk >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "wrk is missing: install it with \`sudo apt-get install wrk\` (Debian) or your" \
    "system's package manager, then run the benchmark again."
  exit 0
fi

echo "wrk is missing: installing it with apt-get for the benchmark."
log=$(mktemp)
export DEBIAN_FRONTEND=noninteractive
if apt-get update -qq >"$log" 2>&1 &&
  apt-get install -y -qq wrk >>"$log" 2>&1 </dev/null; then
  rm -f "$log"
else
  tail -n 20 "$log" >&2
  rm -f "$log"
  echo "Installing wrk failed (above)." >&2
fi
exit 0
