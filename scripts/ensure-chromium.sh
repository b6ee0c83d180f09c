#!/usr/bin/env bash
# Make sure Debian's Chromium is there for the browser tests. Playwright's own browser download does
# not work on the project machines; Debian's package does.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; fi
  fi
  if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
    echo "Installing Debian's chromium for the browser tests (about 40 s)…"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
    command -v chromium >/dev/null && exit 0
  fi
fi
if [ "${CI:-}" = "true" ]; then
  echo "CI: Chromium is required for the browser tests and could not be installed." >&2
  exit 1
fi
echo "Chromium is not installed and cannot be installed here: the browser tests will be skipped." >&2
echo "(On Debian: sudo apt-get install chromium)" >&2
