#!/usr/bin/env bash
# Installs FreeDict's English–Polish dictionary (Debian `dict-freedict-eng-pol`, GPL-3+ / GFDL),
# with which English queries are searched with the Polish translations of their words. Ławka reads
# it where the package puts it (/usr/share/dictd, or $LAWKA_FREEDICT_DIR); without it English
# queries are searched by meaning alone. Idempotent; needs root (or sudo) and Debian's apt.
set -euo pipefail
if [ -f "${LAWKA_FREEDICT_DIR:-/usr/share/dictd}/freedict-eng-pol.index" ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "setup-dictionary: not root and no sudo: install dict-freedict-eng-pol by hand" >&2; exit 1; }
  SUDO=sudo
fi
command -v apt-get >/dev/null || { echo "setup-dictionary: no apt-get: install FreeDict eng-pol and set LAWKA_FREEDICT_DIR" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -qq dict-freedict-eng-pol >/dev/null 2>&1 || {
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq dict-freedict-eng-pol >/dev/null
}
