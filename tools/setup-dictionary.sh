#!/usr/bin/env bash
# Installs the dictionaries with which queries in other languages, and residents' own Polish
# words, are searched in the corpus's words:
# - FreeDict's English–Polish dictionary (Debian `dict-freedict-eng-pol`, GPL-3+ / GFDL) and its
#   Polish–English one (`dict-freedict-pol-eng`, CC-BY-SA 3.0, read backwards for words the first
#   lacks), which Ławka reads where the packages put them (/usr/share/dictd, or $LAWKA_FREEDICT_DIR);
# - Ukrainian–Polish and Russian–Polish word tables, generated here by tools/cyrillic-polish.py
#   from Apertium's Ukrainian–Russian pair (`apertium-rus-ukr`, GPL) and FreeDict's
#   Polish–Russian dictionary (`dict-freedict-pol-rus`, CC-BY-SA 3.0), written to $LAWKA_UKR_POL
#   or /usr/local/share/lawka/ukr-pol.tsv (with the Ukrainian forms the analyser makes function
#   words) and $LAWKA_RUS_POL or /usr/local/share/lawka/rus-pol.tsv,
#   never committed, with FreeDict's dictionaries between Russian, Polish and seven other languages
#   (`dict-freedict-{deu,ell,eng,fra,ita,nld,swe}-{rus,pol}` and `dict-freedict-pol-*`, from
#   Wiktionary, CC-BY-SA 3.0; English GPL / GFDL) for Russian words the Polish–Russian one lacks,
#   where two of them agree; the Russian table also takes the forms Apertium's analyser lacks through
#   simplemma's Russian lemma list (PyPI `simplemma` 2.0.0, MIT code; its wheel checked against a
#   pinned sha256 and unpacked only for the generator, which runs as the caller; without it the
#   table is Apertium's alone and this script exits 1);
# - OpenThesaurus-pl (Debian `mythes-pl`, LGPL-2.1), which `lawka index` reads where the package
#   installs it (/usr/share/mythes/th_pl_PL_v2.dat, or $LAWKA_THESAURUS) for residents' words no
#   question uses (`menel`, `ślizgawka`) and keeps with the index with the words the corpus uses
#   for them.
# Without them English, Ukrainian and Russian queries are searched by meaning and by their words
# as typed, and residents' words reach the corpus's through the glossary and meaning only.
# Idempotent; installing packages needs root (or sudo) and Debian's apt. Each part is set up on
# its own: a Cyrillic part that cannot be installed leaves the English one working.
set -euo pipefail
cd "$(dirname "$0")/.."
readonly FREEDICT_DIR=${LAWKA_FREEDICT_DIR:-/usr/share/dictd}
readonly UK_TABLE=${LAWKA_UKR_POL:-/usr/local/share/lawka/ukr-pol.tsv}
readonly RU_TABLE=${LAWKA_RUS_POL:-/usr/local/share/lawka/rus-pol.tsv}
# The languages through which tools/cyrillic-polish.py leads from Russian to Polish (its PIVOTS).
readonly PIVOTS="deu ell eng fra ita nld swe"

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
if ! [ -f "$FREEDICT_DIR/freedict-pol-eng.index" ]; then
  install_packages dict-freedict-pol-eng || status=1
fi
if ! [ -f "${LAWKA_THESAURUS:-/usr/share/mythes/th_pl_PL_v2.dat}" ]; then
  install_packages mythes-pl || status=1
fi
# Whether table $1 is there and newer than what it is made from (the generator, and the Polish
# stop list it reads); it must also have been written through the pivot languages, and a Russian
# one with simplemma's lemmas (its header names them), so one written while a package or PyPI
# was away is written again.
fresh() {
  [ -s "$1" ] && [ "$1" -nt tools/cyrillic-polish.py ] && [ "$1" -nt src/analysis/stopwords.rs ] || return 1
  head -n 1 "$1" | grep -q "pivots $PIVOTS" || return 1
  [ "$1" != "$RU_TABLE" ] || head -n 1 "$1" | grep -q simplemma
}

# simplemma's wheel (pure Python), pinned on 2026-12-06; tools/cyrillic-polish.py checks the version.
readonly SIMPLEMMA_WHEEL=simplemma-2.0.0-py3-none-any.whl
readonly SIMPLEMMA_SHA256=db33b15f5aed6485a748ce34d1f510ca760af2633289ab9a8493e2afa785c352

# Unpacks simplemma's wheel into $1/site for the generator; fails, saying why, where pip or PyPI
# is missing or the wheel is not the pinned one. Debian's python3 has no pip of its own: a
# virtualenv's (python3-venv, which tools/test.sh installs) serves then.
fetch_simplemma() {
  local dir=$1 attempt pip=(python3 -m pip)
  if ! python3 -m pip --version >/dev/null 2>&1; then
    if ! python3 -m venv "$dir/venv" >/dev/null 2>&1 || ! [ -x "$dir/venv/bin/pip" ]; then
      echo "setup-dictionary: no pip for python3 and no virtualenv (python3-venv): cannot fetch simplemma" >&2
      return 1
    fi
    pip=("$dir/venv/bin/pip")
  fi
  for attempt in 1 2 3; do
    timeout 300 "${pip[@]}" download --quiet --disable-pip-version-check "simplemma==2.0.0" \
      --no-deps --only-binary=:all: --timeout 30 --retries 2 -d "$dir" >&2 && break
    echo "setup-dictionary: simplemma download attempt $attempt failed" >&2
    [ "$attempt" = 3 ] || sleep $((attempt * 5))
  done
  [ -f "$dir/$SIMPLEMMA_WHEEL" ] || { echo "setup-dictionary: no $SIMPLEMMA_WHEEL from PyPI" >&2; return 1; }
  if [ "$(sha256sum "$dir/$SIMPLEMMA_WHEEL" | cut -d' ' -f1)" != "$SIMPLEMMA_SHA256" ]; then
    echo "setup-dictionary: $SIMPLEMMA_WHEEL does not match its pinned sha256; not using it" >&2
    return 1
  fi
  python3 -m zipfile -e "$dir/$SIMPLEMMA_WHEEL" "$dir/site"
}

# Writes the table of language $1 (uk or ru) to $2, unless it is fresh; $3: the unpacked
# simplemma for the generator, or empty. The generator runs as the caller, into the scratch
# directory $work; only putting the table in place needs root (the default, under /usr/local).
generate_table() {
  local table=$2 dir
  fresh "$table" && return 0
  LAWKA_SIMPLEMMA_DIR="$3" LAWKA_FREEDICT_DIR="$FREEDICT_DIR" python3 tools/cyrillic-polish.py "$1" "$work/$1.tsv" || return 1
  dir=$(dirname "$table")
  if mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ]; then
    cp "$work/$1.tsv" "$table.tmp" && mv "$table.tmp" "$table"
  else
    as_root mkdir -p "$dir" && as_root cp "$work/$1.tsv" "$table.tmp" && as_root mv "$table.tmp" "$table"
  fi
}

if ! { fresh "$UK_TABLE" && fresh "$RU_TABLE"; }; then
  cyrillic=(dict-freedict-pol-rus apertium-rus-ukr lttoolbox-dev)
  command -v python3 >/dev/null || cyrillic+=(python3)
  if install_packages "${cyrillic[@]}"; then
    # The pivots' dictionaries (English's Polish pair is installed above), on their own: apt
    # refuses a whole list for one package it lacks, and a missing pivot only costs its words
    # (the tables are written with the others, then written again on the next run).
    pivots=()
    for pivot in $PIVOTS; do
      pivots+=("dict-freedict-$pivot-rus")
      [ "$pivot" = eng ] || pivots+=("dict-freedict-$pivot-pol" "dict-freedict-pol-$pivot")
    done
    if ! install_packages "${pivots[@]}"; then
      for p in "${pivots[@]}"; do install_packages "$p" || status=1; done
    fi
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    generate_table uk "$UK_TABLE" "" || status=1
    # Without simplemma the Russian table is still written, from Apertium alone, and the set-up
    # fails: the tests expect the forms it adds, and the next run tries again.
    simplemma=""
    if ! fresh "$RU_TABLE"; then
      if fetch_simplemma "$work"; then simplemma="$work/site"; else status=1; fi
    fi
    generate_table ru "$RU_TABLE" "$simplemma" || status=1
  else
    status=1
  fi
fi
exit $status
