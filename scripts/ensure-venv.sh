#!/usr/bin/env bash
# Create .venv with Python 3.11. On Debian, python3.11 may lack its venv module (package
# python3.11-venv); install it when we can (root or password-less sudo), else say what to do.
set -euo pipefail
PY="${1:-python3.11}"
VENV="${2:-.venv}"
if [ -x "$VENV/bin/python" ]; then
  if "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    exit 0
  fi
  echo "$VENV is not a Python 3.11 environment: recreating it."
  rm -rf "$VENV"
fi
if ! command -v "$PY" >/dev/null 2>&1; then
  echo "PlexRT needs $PY (Debian: apt-get install python3.11 python3.11-venv)" >&2
  exit 1
fi
if "$PY" -m venv "$VENV" 2>/dev/null; then exit 0; fi
rm -rf "$VENV"
SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; fi
if [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; }; then
  echo "Installing Debian's python3.11-venv…"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3.11-venv >/dev/null
  "$PY" -m venv "$VENV" && exit 0
fi
echo "Could not create a virtual environment: install python3.11-venv (Debian) and retry." >&2
exit 1
