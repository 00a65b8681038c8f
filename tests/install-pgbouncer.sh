#!/bin/sh
# Debian's PgBouncer for the pooler tests (tests/test_pgbouncer.py,
# tests/test_statement_timeouts.py). Idempotent: installs only when missing.
# The tests start their own PgBouncer in a temp dir; the package's service
# is not used (it is stopped if the package just started it).
set -eu
if command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ]; then
    echo "pgbouncer already installed: $( (pgbouncer --version 2>/dev/null || /usr/sbin/pgbouncer --version) | head -n1)"
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y pgbouncer
$SUDO service pgbouncer stop >/dev/null 2>&1 || true
