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
