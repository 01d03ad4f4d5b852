#!/usr/bin/env python3
"""Checks tests/eval/unasked/texts.json. Prints OK or exits non-zero with errors."""
import json, re, sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]                      # repository root (…/tests/eval/unasked -> …)
MEETINGS = ROOT / "corpus" / "meetings"

def corpus_ids():
    ids = set()
    for f in sorted(MEETINGS.glob("*.md")):
        for line in f.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^## (\d+)\. ", line)
            if m:
                ids.add(f"{f.stem}/{m.group(1)}")
    return ids

def main():
    errors = []
    data = json.loads((HERE / "texts.json").read_text(encoding="utf-8"))
    known = corpus_ids()
    if not known:
        errors.append(f"no corpus questions found under {MEETINGS}")
    if not isinstance(data, list):
        sys.exit("texts.json must be a JSON array")
    if len(data) != 60:
        errors.append(f"expected 60 entries, found {len(data)}")
    ids = [e.get("id") for e in data]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        errors.append(f"duplicate ids: {sorted(dup)}")
    kinds = {"near": 0, "far": 0}
    required = ("id", "text", "kind", "need", "closest", "why_not")
    for e in data:
        eid = e.get("id", "?")
        for k in required:
            if k not in e:
                errors.append(f"{eid}: missing field {k}")
        if not re.fullmatch(r"u-\d{2}", str(eid)):
            errors.append(f"{eid}: id should look like u-01")
        kind = e.get("kind")
        if kind not in kinds:
            errors.append(f"{eid}: bad kind {kind!r}")
        else:
            kinds[kind] += 1
        n = len(str(e.get("text", "")).split())
        if not 4 <= n <= 30:
            errors.append(f"{eid}: text has {n} words (need 4-30)")
        for k in ("need", "why_not"):
            if not str(e.get(k, "")).strip():
                errors.append(f"{eid}: empty {k}")
        closest = e.get("closest", [])
        if not isinstance(closest, list):
            errors.append(f"{eid}: closest must be a list")
            closest = []
        if kind == "near" and not 1 <= len(closest) <= 3:
            errors.append(f"{eid}: near entry needs 1-3 closest ids, has {len(closest)}")
        for c in closest:
            if c not in known:
                errors.append(f"{eid}: closest id {c!r} not found in corpus")
    if kinds != {"near": 30, "far": 30}:
        errors.append(f"kind counts {kinds}, expected 30 near / 30 far")
    if errors:
        print("\n".join(errors))
        sys.exit(1)
    print("OK")

if __name__ == "__main__":
    main()
