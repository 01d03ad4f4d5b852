#!/usr/bin/env python3
"""The HTTP load's query mix: every judged query of tests/eval as a /api/search path, one per
line, into OUT_DIR/paths-full.txt (facets and snippets) and OUT_DIR/paths-page.txt (the ranked
page alone). Used by benches/load.sh and benches/ab.sh; run from the repository's root."""
import glob
import json
import sys
import urllib.parse

paths = []
for f in sorted(glob.glob('tests/eval/queries-*.json')):
    for q in json.load(open(f, encoding='utf-8')):
        params = [('q', q['query'])] + [(k, v) for k, vs in q.get('filters', {}).items() for v in (vs if isinstance(vs, list) else [vs])]
        paths.append('/api/search?' + urllib.parse.urlencode(params))
open(sys.argv[1] + '/paths-full.txt', 'w').write('\n'.join(paths) + '\n')
open(sys.argv[1] + '/paths-page.txt', 'w').write('\n'.join(p + '&facets=false&snippets=false' for p in paths) + '\n')
