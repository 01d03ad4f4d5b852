"""Checks for the second held-out set. Reads only the corpus and these files."""
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
    allq += data
qids = [q['qid'] for q in allq]
if len(qids) != len(set(qids)): err('duplicate qids')
types = collections.Counter(q['type'] for q in allq)
POLISH = set('ąćęłńóśźżĄĆĘŁŃÓŚŹŻ')
cyr = lambda s: bool(re.search('[А-Яа-яІіЇїЄєҐґ]', s))
ua = en = 0
for q in allq:
    if not q['relevant']: err(f"{q['qid']}: no relevant")
    for i, g in q['relevant'].items():
        if i not in qs: err(f"{q['qid']}: unknown id {i}")
        elif g not in (1, 2): err(f"{q['qid']}: bad grade {g}")
        elif q.get('filters') and not passes(qs[i], q['filters']): err(f"{q['qid']}: {i} fails filter")
    for k, v in (q.get('filters') or {}).items():
        vals = v if isinstance(v, list) else [v]
        ok = {'district': districts, 'department': departments, 'topic': topics}.get(k)
        if ok is not None:
            for x in vals:
                if x not in ok: err(f"{q['qid']}: filter {k}={x} not in corpus")
        elif k in ('from', 'to'):
            if not re.fullmatch(r'\d{4}-\d{2}-\d{2}', v): err(f"{q['qid']}: bad date {v}")
        else: err(f"{q['qid']}: unknown filter {k}")
    if q['type'] == 'nodiacritics' and set(q['query']) & POLISH: err(f"{q['qid']}: Polish letters")
    if q['type'] == 'filtered' and not q.get('filters'): err(f"{q['qid']}: filtered without filters")
    if q['type'] == 'other_language':
        if cyr(q['query']): ua += 1
        elif re.search(r'\b(the|to|at|for|and|can|a)\b', q['query']): en += 1  # English
for t in ['keyword', 'question', 'nodiacritics', 'typo', 'place', 'topic', 'filtered', 'abbrev', 'synonym', 'other_language']:
    if types[t] < 3: err(f'type {t} has {types[t]} < 3')
if types['synonym'] < 8: err('synonym < 8')
if types['other_language'] < 8: err('other_language < 8')
if ua < 4 or en < 4: err(f'ua={ua} en={en}')
if len(allq) != 48: err(f'{len(allq)} queries, expected 48')

rel = json.load(open(os.path.join(HERE, 'related.json'), encoding='utf-8'))
seeds = [s['id'] for s in rel]
if len(seeds) != 16 or len(set(seeds)) != 16: err('need 16 distinct seeds')
if len({s.split('/')[0] for s in seeds}) < 10: err('seeds from < 10 meetings')
errors += seed_problems(rel, qs, [os.path.join(EVAL, f) for f in ['related.json', 'holdout/related.json']])

shared = shared_trigrams(allq)

print('queries:', len(allq), dict(types), 'ua', ua, 'en', en)
print('pairs:', sum(len(q['relevant']) for q in allq), 'grade2:', sum(g == 2 for q in allq for g in q['relevant'].values()))
print('related pairs:', sum(len(s['related']) for s in rel), 'grade2:', sum(g == 2 for s in rel for g in s['related'].values()))
print('3-grams shared with corpus:', shared or 'none')
print('ERRORS:' if errors else 'OK', *errors, sep='\n')
sys.exit(1 if errors else 0)
