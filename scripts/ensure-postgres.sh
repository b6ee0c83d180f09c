#!/usr/bin/env bash
# Make sure Debian's PostgreSQL server binaries are there: the user-store tests start a throw-away
# server from them (initdb + pg_ctl on a free local port; tests/pgserver.py). The package's own
# cluster service is not needed and not started.
set -euo pipefail
have_server() {
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null
}
if have_server; then
  exit 0
fi
if [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; fi
  fi
  if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
    echo "Installing Debian's postgresql for the user-store tests (about 30 s)…"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    have_server && exit 0
  fi
fi
if [ "${CI:-}" = "true" ]; then
  echo "CI: PostgreSQL is required for the user-store tests and could not be installed." >&2
  exit 1
fi
echo "PostgreSQL is not installed and cannot be installed here: its tests will be skipped." >&2
echo "(On Debian: sudo apt-get install postgresql)" >&2
