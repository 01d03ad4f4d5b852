"""What the judged sets' validators need of the corpus: every question's district, date, topics
and answering units (as the engine's filters read them), and whether a question passes a filter.
Reads only corpus/meetings/*.md."""
import collections
import glob
import json
import os
import re

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'corpus', 'meetings')


def read_corpus(corpus=CORPUS):
    """(questions by id, districts, departments, topics) of the corpus."""
    qs = {}
    districts, departments, topics = set(), set(), set()
    for f in sorted(glob.glob(os.path.join(corpus, '*.md'))):
        m = os.path.basename(f)[:-3]
        t = open(f, encoding='utf-8').read()
        fm = re.search(r'^---\n(.*?)\n---', t, re.S).group(1)
        meta = {k.strip(): v.strip() for k, v in (l.split(':', 1) for l in fm.splitlines() if ':' in l)}
        districts.add(meta['district'])
        parts = re.split(r'^## (\d+)\. (.*)$', t, flags=re.M)
        for i in range(1, len(parts), 3):
            body = parts[i + 2]
            d = re.search(r'\*\*Dzielnica:\*\*\s*(.*)', body)
            tp = re.search(r'\*\*Tematy:\*\*\s*(.*)', body)
            q = dict(district=d.group(1).strip() if d else meta['district'], date=meta['date'],
                     topics=[x.strip() for x in tp.group(1).split(',')] if tp else [],
                     units=re.findall(r'\*\*Odpowiedź \((.*?)\):\*\*', body))
            qs[f'{m}/{parts[i]}'] = q
            districts.add(q['district'])
            departments.update(q['units'])
            topics.update(q['topics'])
    return qs, districts, departments, topics


def passes(q, flt):
    """Whether question `q` passes the /api/search filters `flt`."""
    if 'district' in flt and q['district'] not in flt['district']: return False
    if 'department' in flt and not set(q['units']) & set(flt['department']): return False
    if 'topic' in flt and not set(q['topics']) & set(flt['topic']): return False
    if 'from' in flt and q['date'] < flt['from']: return False
    if 'to' in flt and q['date'] > flt['to']: return False
    return True


def shared_trigrams(queries, corpus=CORPUS):
    """The word 3-grams each query shares with the corpus, by qid (only the queries that share
    any): a query copied from a document rather than written from a need."""
    tok = lambda s: re.findall(r"[\wąćęłńóśźżА-Яа-яіїєґІЇЄҐ'’+&]+", s.lower())
    counts = collections.Counter()
    for f in glob.glob(os.path.join(corpus, '*.md')):
        t = tok(open(f, encoding='utf-8').read())
        counts.update(tuple(t[i:i + 3]) for i in range(len(t) - 2))
    shared = {}
    for q in queries:
        t = tok(q['query'])
        found = [' '.join(t[i:i + 3]) for i in range(len(t) - 2) if counts[tuple(t[i:i + 3])]]
        if found:
            shared[q['qid']] = found
    return shared


def seed_problems(related, qs, earlier):
    """What is wrong with the related seeds `related` (a related.json's list), given the corpus's
    questions `qs` and the paths of the earlier sets' related.json files `earlier`: unknown ids,
    a seed already used, a seed listing itself or nothing, a grade other than 1 or 2."""
    old = {s['id'] for path in earlier for s in json.load(open(path, encoding='utf-8'))}
    problems = []
    for s in related:
        if s['id'] not in qs: problems.append(f"seed {s['id']} unknown")
        if s['id'] in old: problems.append(f"seed {s['id']} already a seed elsewhere")
        if s['id'] in s['related']: problems.append(f"seed {s['id']} lists itself")
        if not s['related']: problems.append(f"seed {s['id']} has no related")
        for i, g in s['related'].items():
            if i not in qs: problems.append(f"seed {s['id']}: unknown id {i}")
            if g not in (1, 2): problems.append(f"seed {s['id']}: bad grade")
    return problems


def validate(here, prefixes, n_queries, least, each_language, n_seeds, min_meetings, earlier_sets):
    """The held-out set in `here` checked (its qids' `prefixes` for residents and journalists, its
    size, the least queries of each type (4, or as `least` says), the least Ukrainian and English
    queries (`each_language`), its seeds and the meetings they come from, and seeds not seeds of
    `earlier_sets`, related files under tests/eval); prints what it found and returns the exit
    status."""
    EVAL = os.path.join(here, '..')
    qs, districts, departments, topics = read_corpus()

    errors = []
    def err(s): errors.append(s)

    allq = []
    for name in ['queries-residents.json', 'queries-journalists.json']:
        data = json.load(open(os.path.join(here, name), encoding='utf-8'))
        prefix = {'queries-residents.json': prefixes[0], 'queries-journalists.json': prefixes[1]}[name]
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
        if types[t] < least.get(t, 4): err(f'type {t} has {types[t]} < {least.get(t, 4)}')
    if ua < each_language or en < each_language: err(f'ua={ua} en={en}')
    if len(allq) != n_queries: err(f'{len(allq)} queries, expected {n_queries}')

    rel = json.load(open(os.path.join(here, 'related.json'), encoding='utf-8'))
    seeds = [s['id'] for s in rel]
    if len(seeds) != n_seeds or len(set(seeds)) != n_seeds: err(f'need {n_seeds} distinct seeds')
    if len({s.split('/')[0] for s in seeds}) < min_meetings: err(f'seeds from < {min_meetings} meetings')
    for s in rel:
        if set(s) != {'id', 'need', 'related'}: err(f"seed {s.get('id')}: bad keys")
    earlier = [os.path.join(EVAL, f) for f in earlier_sets]
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
    return 1 if errors else 0
