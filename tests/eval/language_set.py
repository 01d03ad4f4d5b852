"""What the validators of the judged sets in other languages (russian/, ukrainian/, english/)
share: each set's queries are checked for shape, ids, grades, filters, repeats of earlier judged
queries and word 3-grams shared with the corpus; the set's own script says which language its
queries must be in. Reads only the corpus and the judged sets."""
import collections
import glob
import json
import os
import re
import sys

EVAL = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(EVAL, '..', '..', 'corpus', 'meetings')
sys.path.insert(0, EVAL)
from judged_corpus import passes, read_corpus  # noqa: E402

KEYS = ['qid', 'query', 'type', 'filters', 'need', 'relevant']
POLISH = re.compile('[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]')


def russian(query):
    """What is wrong with `query` as Russian: it needs Cyrillic, and none of Ukrainian's own letters."""
    if not re.search('[А-Яа-яЁё]', query): yield 'has no Cyrillic letters'
    if set(query) & set('іїєґІЇЄҐ'): yield f"has Ukrainian-only letters {set(query) & set('іїєґІЇЄҐ')}"
    if POLISH.search(query): yield 'has Polish letters'


def ukrainian(query):
    """What is wrong with `query` as Ukrainian: it needs one of і ї є ґ, and none of Russian's own
    letters, Latin or Polish letters."""
    if not re.search('[А-Яа-яІіЇїЄєҐґ]', query): yield 'has no Cyrillic letters'
    if set(query) & set('ыэъёЫЭЪЁ'): yield f"has Russian-only letters {set(query) & set('ыэъёЫЭЪЁ')}"
    if not set(query) & set('іїєґІЇЄҐ'): yield 'has none of the Ukrainian letters і ї є ґ'
    if re.search('[A-Za-z]', query): yield 'has Latin letters'
    if POLISH.search(query): yield 'has Polish letters'


def english(query):
    """What is wrong with `query` as English: no Cyrillic or Polish letters, some Latin ones."""
    if re.search('[\u0400-\u04FF]', query): yield 'has Cyrillic letters'
    if POLISH.search(query): yield 'has Polish letters'
    if not re.search(r'[A-Za-z]', query): yield 'has no Latin letters'


def validate(here, files, language_problems, earlier=('queries-*.json', 'holdout*/queries-*.json'),
             shared_is_error=False, unique_texts=False):
    """Checks the set in directory `here`: `files` lists (file name, qid prefix, query count), the
    journalists' file last (only its queries may have filters); `language_problems(query)` gives
    what is wrong with a query's language. Prints a summary and exits 1 on any error."""
    qs, districts, departments, topics = read_corpus()
    errors = []
    err = errors.append
    allq = []
    for name, prefix, count in files:
        try:
            data = json.load(open(os.path.join(here, name), encoding='utf-8'))
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
    if unique_texts and len({q['query'].strip().lower() for q in allq}) != len(allq): err('duplicate query texts')

    journalists = files[-1][1]
    filtered = 0
    for q in allq:
        if q['type'] != 'other_language': err(f"{q['qid']}: type {q['type']}, expected other_language")
        for problem in language_problems(q['query']):
            err(f"{q['qid']}: query {problem}")
        if not q['need'].strip(): err(f"{q['qid']}: empty need")
        if not q['relevant']: err(f"{q['qid']}: no relevant")
        flt = q.get('filters')
        if not isinstance(flt, dict): err(f"{q['qid']}: filters must be an object ({{}} when none)"); flt = {}
        if flt:
            filtered += 1
            if not q['qid'].startswith(journalists): err(f"{q['qid']}: filters only allowed on journalist queries")
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

    # No query string repeated from the earlier judged sets.
    old = set()
    for pattern in earlier:
        for f in glob.glob(os.path.join(EVAL, pattern)):
            old.update(x['query'].strip().lower() for x in json.load(open(f, encoding='utf-8')))
    for q in allq:
        if q['query'].strip().lower() in old: err(f"{q['qid']}: query repeats an earlier judged query")

    # Word 3-grams shared with the corpus.
    tok = lambda s: re.findall(r"[\wąćęłńóśźżА-Яа-яЁёіїєґІЇЄҐ'’+&]+", s.lower())  # noqa: E731
    grams = collections.Counter()
    for f in glob.glob(os.path.join(CORPUS, '*.md')):
        t = tok(open(f, encoding='utf-8').read())
        grams.update(tuple(t[i:i + 3]) for i in range(len(t) - 2))
    shared = {q['qid']: [' '.join(t[i:i + 3]) for t in [tok(q['query'])] for i in range(len(t) - 2) if grams[tuple(t[i:i + 3])]]
              for q in allq}
    shared = {k: v for k, v in shared.items() if v}
    if shared and shared_is_error: err(f'3-grams shared with the corpus: {shared}')

    print('queries:', len(allq), dict(collections.Counter(q['type'] for q in allq)), 'filtered:', filtered)
    print('pairs:', sum(len(q['relevant']) for q in allq), 'grade2:', sum(g == 2 for q in allq for g in q['relevant'].values()))
    for q in allq:
        print(f"  {q['qid']}: {len(q['relevant'])} relevant ({sum(g == 2 for g in q['relevant'].values())} graded 2)")
    print('3-grams shared with corpus:', shared or 'none')
    print('ERRORS:' if errors else 'OK', *errors, sep='\n')
    sys.exit(1 if errors else 0)
