#!/bin/sh
# Debian's Chromium and its driver for the e2e suite (tests/e2e). Idempotent:
# installs only when /usr/bin/chromium is missing. Never downloads a browser
# any other way (no `playwright install`).
set -eu
if [ -x /usr/bin/chromium ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
