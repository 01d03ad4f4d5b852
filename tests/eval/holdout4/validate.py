"""Checks for the fourth held-out set. Reads only the corpus and these files."""
import json, re, os, collections, sys
HERE = os.path.dirname(os.path.abspath(__file__))
EVAL = os.path.join(HERE, '..')
sys.path.insert(0, EVAL)
from judged_corpus import passes, read_corpus, seed_problems, shared_trigrams  # noqa: E402

qs, districts, departments, topics = read_corpus()

errors = []
def err(s): errors.append(s)

allq = []
for name in ['queries-residents.json', 'queries-journalists.json']:
    data = json.load(open(os.path.join(HERE, name), encoding='utf-8'))
    prefix = {'queries-residents.json': 'h4r-', 'queries-journalists.json': 'h4j-'}[name]
    for q in data:
        if not q['qid'].startswith(prefix): err(f"{q['qid']}: qid should start with {prefix}")
    allq += data
qids = [q['qid'] for q in allq]
if len(qids) != len(set(qids)): err('duplicate qids')
if len({q['query'] for q in allq}) != len(allq): err('duplicate query texts')
types = collections.Counter(q['type'] for q in allq)
TYPES = ['keyword', 'question', 'nodiacritics', 'typo', 'place', 'topic', 'filtered', 'abbrev', 'synonym', 'other_language']
POLISH = set('ąćęłńóśźżĄĆĘŁŃÓŚŹŻ')
cyr = lambda s: bool(re.search('[А-Яа-яІіЇїЄєҐґ]', s))
ua = en = 0
for q in allq:
    if set(q) - {'qid', 'query', 'type', 'filters', 'need', 'relevant'}: err(f"{q['qid']}: unknown keys")
    if q['type'] not in TYPES: err(f"{q['qid']}: unknown type {q['type']}")
    if not q['relevant']: err(f"{q['qid']}: no relevant")
    if 2 not in q['relevant'].values(): err(f"{q['qid']}: no question graded 2")
    for i, g in q['relevant'].items():
        if i not in qs: err(f"{q['qid']}: unknown id {i}")
        elif g not in (1, 2): err(f"{q['qid']}: bad grade {g}")
        elif q.get('filters') and not passes(qs[i], q['filters']): err(f"{q['qid']}: {i} fails filter")
    for k, v in (q.get('filters') or {}).items():
        vals = v if isinstance(v, list) else [v]
        ok = {'district': districts, 'department': departments, 'topic': topics}.get(k)
        if ok is not None:
            if not isinstance(v, list): err(f"{q['qid']}: filter {k} should be a list")
            for x in vals:
                if x not in ok: err(f"{q['qid']}: filter {k}={x} not in corpus")
        elif k in ('from', 'to'):
            if not re.fullmatch(r'\d{4}-\d{2}-\d{2}', v): err(f"{q['qid']}: bad date {v}")
        else: err(f"{q['qid']}: unknown filter {k}")
    if q.get('filters') and q['type'] != 'filtered': err(f"{q['qid']}: filters on a non-filtered query")
    if q['type'] == 'nodiacritics' and set(q['query']) & POLISH: err(f"{q['qid']}: Polish letters")
    if q['type'] == 'filtered' and not q.get('filters'): err(f"{q['qid']}: filtered without filters")
    if q['type'] == 'question' and len(q['query'].split()) < 12: err(f"{q['qid']}: question shorter than 12 words")
    if q['type'] == 'other_language':
        if cyr(q['query']): ua += 1
        elif re.search(r'\b(the|to|at|for|and|can|a|is|how)\b', q['query']): en += 1  # English
        else: err(f"{q['qid']}: other_language neither Ukrainian nor English")
for t in TYPES:
    if types[t] < 4: err(f'type {t} has {types[t]} < 4')
if types['question'] < 4: err('question < 4')
if types['other_language'] < 6: err('other_language < 6')
if ua < 3 or en < 3: err(f'ua={ua} en={en}')
# 9 types x 4 + 6 other_language = 42 is the smallest set meeting all minimums
if len(allq) != 42: err(f'{len(allq)} queries, expected 42')

rel = json.load(open(os.path.join(HERE, 'related.json'), encoding='utf-8'))
seeds = [s['id'] for s in rel]
if len(seeds) != 20 or len(set(seeds)) != 20: err('need 20 distinct seeds')
if len({s.split('/')[0] for s in seeds}) < 14: err('seeds from < 14 meetings')
for s in rel:
    if set(s) != {'id', 'need', 'related'}: err(f"seed {s.get('id')}: bad keys")
earlier = [os.path.join(EVAL, f) for f in ['related.json', 'holdout/related.json', 'holdout2/related.json', 'holdout3/related.json']]
errors += seed_problems(rel, qs, earlier)

shared = shared_trigrams(allq)
if shared: err(f'3-grams shared with the corpus: {shared}')

print('queries:', len(allq), dict(types), 'ua', ua, 'en', en)
print('pairs:', sum(len(q['relevant']) for q in allq), 'grade2:', sum(g == 2 for q in allq for g in q['relevant'].values()))
print('relevant per query: min', min(len(q['relevant']) for q in allq), 'max', max(len(q['relevant']) for q in allq))
print('seeds:', len(seeds), 'meetings:', len({s.split('/')[0] for s in seeds}))
print('related pairs:', sum(len(s['related']) for s in rel), 'grade2:', sum(g == 2 for s in rel for g in s['related'].values()))
print('3-grams shared with corpus:', shared or 'none')
print('ERRORS:' if errors else 'OK', *errors, sep='\n')
sys.exit(1 if errors else 0)
