"""Checks for the Ukrainian-language judged set. Reads only the corpus and the judged sets."""
import json, re, glob, os, collections, sys
HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, '..', '..', '..', 'corpus', 'meetings')
EVAL = os.path.join(HERE, '..')
sys.path.insert(0, EVAL)
from judged_corpus import passes, read_corpus  # noqa: E402

qs, districts, departments, topics = read_corpus()

errors = []
def err(s): errors.append(s)

KEYS = ['qid', 'query', 'type', 'filters', 'need', 'relevant']
allq = []
for name, prefix, count in [('queries-residents.json', 'uk-r-', 18), ('queries-journalists.json', 'uk-j-', 6)]:
    try:
        data = json.load(open(os.path.join(HERE, name), encoding='utf-8'))
    except (OSError, ValueError) as e:
        err(f'{name}: not valid JSON ({e})'); continue
    if not isinstance(data, list): err(f'{name}: not a JSON array'); continue
    if len(data) != count: err(f'{name}: {len(data)} queries, expected {count}')
    for q in data:
        if list(q) != KEYS: err(f"{name}: {q.get('qid')}: keys {list(q)}, expected {KEYS}")
        if not str(q.get('qid', '')).startswith(prefix): err(f"{name}: qid {q.get('qid')} lacks prefix {prefix}")
    allq += data

qids = [q['qid'] for q in allq]
if len(qids) != len(set(qids)): err('duplicate qids')

CYR = re.compile('[А-Яа-яІіЇїЄєҐґ]')
RUS_ONLY = set('ыэъёЫЭЪЁ')
UKR_LETTERS = set('іїєґІЇЄҐ')
filtered = 0
for q in allq:
    if q['type'] != 'other_language': err(f"{q['qid']}: type {q['type']}, expected other_language")
    if not CYR.search(q['query']): err(f"{q['qid']}: query has no Cyrillic letters")
    if set(q['query']) & RUS_ONLY: err(f"{q['qid']}: query has Russian-only letters {set(q['query']) & RUS_ONLY}")
    if not set(q['query']) & UKR_LETTERS: err(f"{q['qid']}: query has none of the Ukrainian letters і ї є ґ")
    if re.search('[A-Za-z]', q['query']): err(f"{q['qid']}: query has Latin letters")
    if re.search('[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]', q['query']): err(f"{q['qid']}: query has Polish letters")
    if not q['need'].strip(): err(f"{q['qid']}: empty need")
    if not q['relevant']: err(f"{q['qid']}: no relevant")
    flt = q.get('filters')
    if not isinstance(flt, dict): err(f"{q['qid']}: filters must be an object ({{}} when none)"); flt = {}
    if flt:
        filtered += 1
        if not q['qid'].startswith('uk-j-'): err(f"{q['qid']}: filters only allowed on journalist queries")
    for i, g in q['relevant'].items():
        if i not in qs: err(f"{q['qid']}: unknown id {i}")
        elif g not in (1, 2): err(f"{q['qid']}: bad grade {g} for {i}")
        elif flt and not passes(qs[i], flt): err(f"{q['qid']}: {i} fails filter {flt}")
    for k, v in flt.items():
        vals = v if isinstance(v, list) else [v]
        ok = {'district': districts, 'department': departments, 'topic': topics}.get(k)
        if ok is not None:
            for x in vals:
                if x not in ok: err(f"{q['qid']}: filter {k}={x} not in corpus")
        elif k in ('from', 'to'):
            if not re.fullmatch(r'\d{4}-\d{2}-\d{2}', str(v)): err(f"{q['qid']}: bad date {v}")
        else: err(f"{q['qid']}: unknown filter {k}")
if filtered > 2: err(f'{filtered} queries have filters, at most 2 allowed')

# no query string repeated from the earlier judged sets
old = set()
for f in (glob.glob(os.path.join(EVAL, 'queries-*.json')) + glob.glob(os.path.join(EVAL, 'holdout*', 'queries-*.json'))
          + glob.glob(os.path.join(EVAL, 'russian', 'queries-*.json'))):
    old.update(x['query'].strip().lower() for x in json.load(open(f, encoding='utf-8')))
for q in allq:
    if q['query'].strip().lower() in old: err(f"{q['qid']}: query repeats an earlier judged query")

# word 3-grams shared with the corpus (informational)
tok = lambda s: re.findall(r"[\wąćęłńóśźżА-Яа-яЁёіїєґІЇЄҐ'’+&]+", s.lower())
C = collections.Counter()
for f in glob.glob(os.path.join(CORPUS, '*.md')):
    t = tok(open(f, encoding='utf-8').read())
    C.update(tuple(t[i:i + 3]) for i in range(len(t) - 2))
shared = {q['qid']: [' '.join(t[i:i + 3]) for t in [tok(q['query'])] for i in range(len(t) - 2) if C[tuple(t[i:i + 3])]] for q in allq}
shared = {k: v for k, v in shared.items() if v}

print('queries:', len(allq), dict(collections.Counter(q['type'] for q in allq)), 'filtered:', filtered)
print('pairs:', sum(len(q['relevant']) for q in allq), 'grade2:', sum(g == 2 for q in allq for g in q['relevant'].values()))
for q in allq:
    print(f"  {q['qid']}: {len(q['relevant'])} relevant ({sum(g == 2 for g in q['relevant'].values())} graded 2)")
print('3-grams shared with corpus:', shared or 'none')
if shared: err(f'3-grams shared with the corpus: {shared}')
print('ERRORS:' if errors else 'OK', *errors, sep='\n')
sys.exit(1 if errors else 0)
