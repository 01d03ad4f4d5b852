#!/usr/bin/env bash
# Installs the dictionaries with which queries in other languages are searched in Polish words:
# - FreeDict's English–Polish dictionary (Debian `dict-freedict-eng-pol`, GPL-3+ / GFDL), which
#   Ławka reads where the package puts it (/usr/share/dictd, or $LAWKA_FREEDICT_DIR);
# - a Ukrainian–Polish word table, generated here by tools/ukrainian-polish.py from Apertium's
#   Ukrainian–Russian pair (`apertium-rus-ukr`, GPL) and FreeDict's Polish–Russian dictionary
#   (`dict-freedict-pol-rus`, CC-BY-SA 3.0), written to $LAWKA_UKR_POL or
#   /usr/local/share/lawka/ukr-pol.tsv, never committed.
# Without them English and Ukrainian queries are searched by meaning and by their words as typed.
# Idempotent; installing packages needs root (or sudo) and Debian's apt. Each part is set up on
# its own: a Ukrainian part that cannot be installed leaves the English one working.
set -euo pipefail
cd "$(dirname "$0")/.."
readonly FREEDICT_DIR=${LAWKA_FREEDICT_DIR:-/usr/share/dictd}
readonly TABLE=${LAWKA_UKR_POL:-/usr/local/share/lawka/ukr-pol.tsv}

# Runs a command as root: directly when we are, through sudo otherwise.
as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    echo "setup-dictionary: not root and no sudo: cannot run $*" >&2
    return 1
  fi
}

# Installs the Debian packages given that are not installed yet.
install_packages() {
  local missing=() p
  for p in "$@"; do
    # Removed packages keep a status entry ("deinstall ok config-files"): only "installed" counts.
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || { echo "setup-dictionary: no apt-get: install ${missing[*]} by hand" >&2; return 1; }
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || {
    as_root apt-get update -qq && as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  }
}

status=0
if ! [ -f "$FREEDICT_DIR/freedict-eng-pol.index" ]; then
  install_packages dict-freedict-eng-pol || status=1
fi
if ! { [ -s "$TABLE" ] && [ "$TABLE" -nt tools/ukrainian-polish.py ]; }; then
  ukrainian=(dict-freedict-pol-rus apertium-rus-ukr lttoolbox-dev)
  command -v python3 >/dev/null || ukrainian+=(python3)
  if install_packages "${ukrainian[@]}"; then
    dir=$(dirname "$TABLE")
    # Root only where the table's directory needs it (the default, under /usr/local).
    if mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ]; then
      LAWKA_FREEDICT_DIR="$FREEDICT_DIR" python3 tools/ukrainian-polish.py "$TABLE" || status=1
    else
      as_root mkdir -p "$dir" && as_root env LAWKA_FREEDICT_DIR="$FREEDICT_DIR" python3 tools/ukrainian-polish.py "$TABLE" || status=1
    fi
  else
    status=1
  fi
fi
exit $status
