#!/usr/bin/env bash
# Installs the dictionaries with which queries in other languages are searched in Polish words:
# - FreeDict's English–Polish dictionary (Debian `dict-freedict-eng-pol`, GPL-3+ / GFDL), which
#   Ławka reads where the package puts it (/usr/share/dictd, or $LAWKA_FREEDICT_DIR);
# - a Ukrainian–Polish word table, generated here by tools/ukrainian-polish.py from Apertium's
#   Ukrainian–Russian pair (`apertium-rus-ukr`, GPL) and FreeDict's Polish–Russian dictionary
#   (`dict-freedict-pol-rus`, CC-BY-SA 3.0), written to $LAWKA_UKR_POL or
#   /usr/local/share/lawka/ukr-pol.tsv, never committed.
# Without them English and Ukrainian queries are searched by meaning and by their words as typed.
# Idempotent; needs root (or sudo) and Debian's apt.
set -euo pipefail
cd "$(dirname "$0")/.."
readonly FREEDICT_DIR=${LAWKA_FREEDICT_DIR:-/usr/share/dictd}
readonly TABLE=${LAWKA_UKR_POL:-/usr/local/share/lawka/ukr-pol.tsv}
readonly PACKAGES=(dict-freedict-eng-pol dict-freedict-pol-rus apertium-rus-ukr lttoolbox-dev)

if [ -f "$FREEDICT_DIR/freedict-eng-pol.index" ] && [ -s "$TABLE" ] && [ "$TABLE" -nt tools/ukrainian-polish.py ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "setup-dictionary: not root and no sudo: install ${PACKAGES[*]} by hand" >&2; exit 1; }
  SUDO=sudo
fi
missing=()
for p in "${PACKAGES[@]}"; do
  # Removed packages keep a status entry ("deinstall ok config-files"): only "installed" counts.
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || { echo "setup-dictionary: no apt-get: install ${missing[*]} and set LAWKA_FREEDICT_DIR" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || {
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  }
fi
$SUDO mkdir -p "$(dirname "$TABLE")"
$SUDO env LAWKA_FREEDICT_DIR="$FREEDICT_DIR" python3 tools/ukrainian-polish.py "$TABLE"
