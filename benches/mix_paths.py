#!/usr/bin/env python3
"""The HTTP load's query mix: every judged query of tests/eval as a /api/search path, one per
line, into OUT_DIR/paths-full.txt (facets and snippets), OUT_DIR/paths-page.txt (the ranked
page alone) and OUT_DIR/paths-pruned.txt (the ranked page with track_total_hits=false: the total
may stop counting, so the page may be pruned); and the judged queries of every set under
tests/eval (the holdouts' longer sentences among them) as full searches into
OUT_DIR/paths-all.txt. Used by benches/load.sh and benches/ab.sh; run from the repository's
root."""
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
open(sys.argv[1] + '/paths-pruned.txt', 'w').write(
    '\n'.join(p + '&facets=false&snippets=false&track_total_hits=false' for p in paths) + '\n')

every = []
for f in sorted(glob.glob('tests/eval/**/queries-*.json', recursive=True)):
    for q in json.load(open(f, encoding='utf-8')):
        params = [('q', q['query'])] + [(k, v) for k, vs in q.get('filters', {}).items() for v in (vs if isinstance(vs, list) else [vs])]
        every.append('/api/search?' + urllib.parse.urlencode(params))
open(sys.argv[1] + '/paths-all.txt', 'w').write('\n'.join(every) + '\n')
