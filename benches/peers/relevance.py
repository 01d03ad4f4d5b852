#!/usr/bin/env python3
"""Runs the judged queries and related-question seeds of one or more eval sets through Ławka and
through peer engines, and prints per set nDCG@10 / recall@10 per query type and nDCG@5 / recall@5
of related questions side by side, with one implementation of the metrics.

Usage: relevance.py CORPUS_DIR EVAL_DIR... --lawka URL [--lucene URL] [--bm25s] [--postgres URL]
                    [--meili URL/indexes/NAME]
       relevance.py CORPUS_DIR --export docs.tsv

Peers get the same documents (title, question, answers) but have no filters of their own: for a
judged query with filters, the peer's top 1000 are filtered here by the corpus metadata, then cut
to 10 (Ławka applies the same filters natively). Related questions: Ławka's own
/api/questions/{id}/related; for Lucene and bm25s "more like this" as plain OR over the seed's
title and question (first 80 words), the seed excluded, top 5 (PostgreSQL's and Meilisearch's
queries are not plain OR, so they get none). The metric is the one `lawka eval` uses: gain
2^grade - 1, ideal ranking over all judged questions; --bm25s needs the packages of
requirements.txt.
"""
import argparse, glob, json, math, os, re, sys, urllib.parse, urllib.request
from collections import defaultdict


def parse_corpus(corpus_dir):
    """question id -> {title, question, answers, district, date, departments, topics}"""
    docs = {}
    for path in sorted(glob.glob(os.path.join(corpus_dir, 'meetings', '*.md'))):
        meeting = os.path.basename(path)[:-3]
        text = open(path, encoding='utf-8').read()
        fm, body = text.split('---', 2)[1], text.split('---', 2)[2]
        meta = dict(l.split(': ', 1) for l in fm.strip().splitlines() if ': ' in l)
        for sec in re.split(r'^## ', body, flags=re.M)[1:]:
            head, _, rest = sec.partition('\n')
            n, title = head.split('. ', 1)
            q = {'title': title.strip(), 'question': '', 'answers': [], 'district': meta['district'],
                 'date': meta['date'], 'departments': [], 'topics': []}
            cur = None
            for line in rest.splitlines():
                if line.startswith('**Pytanie:**'):
                    cur = 'q'; q['question'] = line[len('**Pytanie:**'):].strip()
                elif line.startswith('**Odpowiedź ('):
                    unit, _, t = line[len('**Odpowiedź ('):].partition('):**')
                    cur = 'a'; q['answers'].append(t.strip())
                    if unit not in q['departments']: q['departments'].append(unit)
                elif line.startswith('**Dzielnica:**'):
                    q['district'] = line[len('**Dzielnica:**'):].strip(); cur = None
                elif line.startswith('**Tematy:**'):
                    q['topics'] = [t.strip() for t in line[len('**Tematy:**'):].split(',')]; cur = None
                elif line.strip() and cur == 'q':
                    q['question'] += ' ' + line.strip()
                elif line.strip() and cur == 'a':
                    q['answers'][-1] += ' ' + line.strip()
            docs[f'{meeting}/{n.strip()}'] = q
    return docs


def as_list(v):
    return v if isinstance(v, list) else [v]


def passes(doc, filters):
    if 'district' in filters and doc['district'] not in as_list(filters['district']): return False
    if 'department' in filters and not set(doc['departments']) & set(as_list(filters['department'])): return False
    if 'topic' in filters and not set(doc['topics']) & set(as_list(filters['topic'])): return False
    if 'from' in filters and doc['date'] < filters['from']: return False
    if 'to' in filters and doc['date'] > filters['to']: return False
    return True


def ndcg(ranked, rel, k=10):
    gain = lambda g: 2 ** g - 1
    dcg = sum(gain(rel.get(d, 0)) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(rel.values(), reverse=True)
    idcg = sum(gain(g) / math.log2(i + 2) for i, g in enumerate(ideal[:k]))
    return dcg / idcg if idcg else 0.0


def recall(ranked, rel, k=10):
    wanted = [d for d, g in rel.items() if g > 0]
    return sum(1 for d in ranked[:k] if rel.get(d, 0) > 0) / len(wanted) if wanted else 0.0


def get(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


def seed_text(doc, words=80):
    """A related-question seed as a peer's query: its title and question, first `words` words."""
    return ' '.join(f"{doc['title']} {doc['question']}".split()[:words])


def lawka(base, q):
    params = [('q', q['query']), ('limit', '10')]
    for key, v in q.get('filters', {}).items():
        params += [(key, x) for x in as_list(v)]
    return [h['id'] for h in get(base + '/api/search?' + urllib.parse.urlencode(params))['hits']]


def lawka_related(base, seed):
    return [h['id'] for h in get(f'{base}/api/questions/{seed}/related?limit=5')['related']]


def peer(base, docs, q):
    """The Lucene and PostgreSQL wrappers: GET /search?q=&k= -> {"hits": [{"id": ...}]}."""
    hits = get(base + '/search?' + urllib.parse.urlencode({'q': q['query'], 'k': 1000}))['hits']
    return [h['id'] for h in hits if passes(docs[h['id']], q.get('filters', {}))][:10]


def peer_related(base, docs, seed):
    hits = get(base + '/search?' + urllib.parse.urlencode({'q': seed_text(docs[seed]), 'k': 6}))['hits']
    return [h['id'] for h in hits if h['id'] != seed][:5]


class Bm25s:
    """bm25s (BM25, Lucene's variant, k1 1.5, b 0.75) over title + question + answers as one field,
    words lowercased and stemmed by Snowball Polish (PyStemmer), no stop list; queries plain OR."""

    def __init__(self, docs):
        import bm25s, Stemmer
        self.stemmer = Stemmer.Stemmer('polish')
        self.ids = list(docs)
        self.bm25 = bm25s.BM25()
        self.bm25.index([self.terms(' '.join([d['title'], d['question'], *d['answers']])) for d in docs.values()],
                        show_progress=False)

    def terms(self, text):
        return self.stemmer.stemWords(re.findall(r'\w+', text.lower()))

    def top(self, text, k):
        terms = [t for t in self.terms(text) if t in self.bm25.vocab_dict]
        if not terms:
            return []
        found, scores = self.bm25.retrieve([terms], k=min(k, len(self.ids)), show_progress=False)
        return [self.ids[i] for i, score in zip(found[0], scores[0]) if score > 0]

    def search(self, docs, q):
        return [i for i in self.top(q['query'], 1000) if passes(docs[i], q.get('filters', {}))][:10]

    def related(self, docs, seed):
        return [i for i in self.top(seed_text(docs[seed]), 6) if i != seed][:5]


def meili(index_url, docs, q):
    params = {'q': q['query'], 'limit': 1000, 'attributesToRetrieve': 'key'}
    hits = get(index_url + '/search?' + urllib.parse.urlencode(params))['hits']
    ids = [h['key'].replace('__', '/') for h in hits]
    return [i for i in ids if passes(docs[i], q.get('filters', {}))][:10]


def mean(rows, i):
    return sum(r[i] for r in rows) / len(rows)


def report(eval_dir, docs, engines):
    """Prints one Markdown table for the eval set in `eval_dir`."""
    queries = []
    for f in sorted(glob.glob(os.path.join(eval_dir, 'queries-*.json'))):
        queries += json.load(open(f, encoding='utf-8'))
    rel_path = os.path.join(eval_dir, 'related.json')
    seeds = json.load(open(rel_path, encoding='utf-8')) if os.path.exists(rel_path) else []
    by_type = defaultdict(lambda: defaultdict(list))  # type -> engine -> [(ndcg, recall, empty)]
    for q in queries:
        for name, search, _ in engines:
            ranked = search(q)
            r = (ndcg(ranked, q['relevant']), recall(ranked, q['relevant']), not ranked)
            by_type[q['type']][name].append(r)
            by_type['all'][name].append(r)
    related = defaultdict(list)  # engine -> [(ndcg@5, recall@5)]
    for s in seeds:
        for name, _, run in engines:
            if run:
                ranked = run(s['id'])
                related[name].append((ndcg(ranked, s['related'], 5), recall(ranked, s['related'], 5)))
    names = [n for n, _, _ in engines]
    print(f'## {eval_dir}: {len(queries)} queries, {len(seeds)} related seeds')
    print()
    print('nDCG@10 / recall@10 per query type; related questions: nDCG@5 / recall@5.')
    print()
    print('| type | n | ' + ' | '.join(names) + ' |')
    print('|---|---|' + '---|' * len(names))
    for t in sorted(by_type, key=lambda t: (t == 'all', t)):
        rows = by_type[t]
        cells = [f'{mean(rows[n], 0):.3f} / {mean(rows[n], 1):.3f}' for n in names]
        label = '**all**' if t == 'all' else t
        print(f'| {label} | {len(rows[names[0]])} | ' + ' | '.join(cells) + ' |')
    rows = by_type['all']
    print('| queries with no result | | ' + ' | '.join(str(sum(r[2] for r in rows[n])) for n in names) + ' |')
    if seeds:
        cells = [f'{mean(related[n], 0):.3f} / {mean(related[n], 1):.3f}' if related[n] else '—' for n in names]
        print(f'| **related** | {len(seeds)} | ' + ' | '.join(cells) + ' |')
    print()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('corpus'); ap.add_argument('evals', nargs='*', metavar='eval')
    ap.add_argument('--lawka'); ap.add_argument('--lucene'); ap.add_argument('--bm25s', action='store_true')
    ap.add_argument('--postgres'); ap.add_argument('--meili'); ap.add_argument('--export')
    a = ap.parse_args()
    docs = parse_corpus(a.corpus)
    if a.export:
        with open(a.export, 'w', encoding='utf-8') as f:
            for i, d in docs.items():
                clean = lambda s: s.replace('\t', ' ').replace('\n', ' ')
                f.write(f"{i}\t{clean(d['title'])}\t{clean(d['question'])}\t{clean(' '.join(d['answers']))}\n")
        print(f'exported {len(docs)} questions to {a.export}', file=sys.stderr)
        return
    engines = []  # (name, search(query), related(seed id) or None)
    if a.lawka:
        engines.append(('Ławka', lambda q: lawka(a.lawka, q), lambda s: lawka_related(a.lawka, s)))
    if a.lucene:
        engines.append(('Lucene+Morfologik', lambda q: peer(a.lucene, docs, q), lambda s: peer_related(a.lucene, docs, s)))
    if a.bm25s:
        b = Bm25s(docs)
        engines.append(('bm25s+Snowball-pl', lambda q: b.search(docs, q), lambda s: b.related(docs, s)))
    if a.postgres: engines.append(('PostgreSQL+hunspell', lambda q: peer(a.postgres, docs, q), None))
    if a.meili: engines.append(('Meilisearch', lambda q: meili(a.meili, docs, q), None))
    for e in a.evals:
        report(e, docs, engines)


if __name__ == '__main__':
    main()
