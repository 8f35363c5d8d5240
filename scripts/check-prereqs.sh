#!/bin/sh
# Usage: scripts/check-prereqs.sh [python|npm|chromium ...]
#
# Stops with a message that names the missing prerequisite. `make` calls it before any
# set-up step, so a fresh machine learns at once what to install.
#   python    a python3 (or $PYTHON) of version 3.11 or newer, with venv
#   npm       npm (and node) on PATH
#   chromium  /usr/bin/chromium (or $CHROMIUM); installed with apt-get when running as root
set -u
PYTHON=${PYTHON:-python3}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
status=0

need_python() {
  if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "error: Python 3.11 or newer is required, and '$PYTHON' was not found." >&2
    echo "       On Debian: apt-get install python3 python3-venv" >&2
    return 1
  fi
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    found=$("$PYTHON" -c 'import sys; print(".".join(map(str, sys.version_info[:3])))' 2>/dev/null || echo unknown)
    echo "error: Python 3.11 or newer is required; '$PYTHON' is Python $found." >&2
    echo "       Install a newer python3, or run: make PYTHON=/path/to/python3.11" >&2
    return 1
  fi
  if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
    echo "error: '$PYTHON' cannot create virtual environments (venv/ensurepip missing)." >&2
    echo "       On Debian: apt-get install python3-venv" >&2
    return 1
  fi
}

need_npm() {
  for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "error: '$tool' was not found; Ravine vendors Pyodide, KaTeX and CodeMirror from npm." >&2
      echo "       On Debian: apt-get install nodejs npm" >&2
      return 1
    fi
  done
}

need_chromium() {
  [ -x "$CHROMIUM" ] && return 0
  if [ "$(id -u)" = 0 ] && [ "$CHROMIUM" = /usr/bin/chromium ] && command -v apt-get >/dev/null 2>&1; then
    echo "Chromium is missing: installing Debian's chromium package (about a minute)..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
      && [ -x "$CHROMIUM" ] && return 0
    echo "error: installing Debian's 'chromium' package failed." >&2
    return 1
  fi
  echo "error: the browser tests need Chromium at $CHROMIUM, which was not found." >&2
  echo "       As root on Debian: apt-get install chromium (or set CHROMIUM=/path/to/chromium)" >&2
  return 1
}

for what in "$@"; do
  case "$what" in
    python) need_python || status=1 ;;
    npm) need_npm || status=1 ;;
    chromium) need_chromium || status=1 ;;
    *) echo "check-prereqs: unknown prerequisite '$what'" >&2; status=2 ;;
  esac
done
exit $status
