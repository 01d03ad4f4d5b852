#!/usr/bin/env python3
"""Runs the judged queries of an eval set through Ławka and through a peer engine over HTTP and
prints nDCG@10 / recall@10 per query type side by side, with one implementation of the metrics.

Usage: relevance.py CORPUS_DIR EVAL_DIR --lawka URL [--lucene URL] [--postgres URL] [--meili URL/indexes/NAME]
       relevance.py CORPUS_DIR EVAL_DIR --export docs.tsv

Peers get the same documents (title, question, answers) but have no filters of their own: for a
judged query with filters, the peer's top 1000 are filtered here by the corpus metadata, then cut
to 10 (Ławka applies the same filters natively). The metric is the one `lawka eval` uses:
gain 2^grade - 1, ideal ranking over all judged questions.
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


def lawka(base, q):
    params = [('q', q['query']), ('limit', '10')]
    for key, v in q.get('filters', {}).items():
        params += [(key, x) for x in as_list(v)]
    return [h['id'] for h in get(base + '/api/search?' + urllib.parse.urlencode(params))['hits']]


def peer(base, docs, q):
    """The Lucene and PostgreSQL wrappers: GET /search?q=&k= -> {"hits": [{"id": ...}]}."""
    hits = get(base + '/search?' + urllib.parse.urlencode({'q': q['query'], 'k': 1000}))['hits']
    return [h['id'] for h in hits if passes(docs[h['id']], q.get('filters', {}))][:10]


def meili(index_url, docs, q):
    params = {'q': q['query'], 'limit': 1000, 'attributesToRetrieve': 'key'}
    hits = get(index_url + '/search?' + urllib.parse.urlencode(params))['hits']
    ids = [h['key'].replace('__', '/') for h in hits]
    return [i for i in ids if passes(docs[i], q.get('filters', {}))][:10]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('corpus'); ap.add_argument('eval')
    ap.add_argument('--lawka'); ap.add_argument('--lucene'); ap.add_argument('--postgres')
    ap.add_argument('--meili'); ap.add_argument('--export')
    a = ap.parse_args()
    docs = parse_corpus(a.corpus)
    if a.export:
        with open(a.export, 'w', encoding='utf-8') as f:
            for i, d in docs.items():
                clean = lambda s: s.replace('\t', ' ').replace('\n', ' ')
                f.write(f"{i}\t{clean(d['title'])}\t{clean(d['question'])}\t{clean(' '.join(d['answers']))}\n")
        print(f'exported {len(docs)} questions to {a.export}', file=sys.stderr)
        return
    queries = []
    for f in sorted(glob.glob(os.path.join(a.eval, 'queries-*.json'))):
        queries += json.load(open(f, encoding='utf-8'))
    engines = []
    if a.lawka: engines.append(('Ławka', lambda q: lawka(a.lawka, q)))
    if a.lucene: engines.append(('Lucene+Morfologik', lambda q: peer(a.lucene, docs, q)))
    if a.postgres: engines.append(('PostgreSQL+hunspell', lambda q: peer(a.postgres, docs, q)))
    if a.meili: engines.append(('Meilisearch', lambda q: meili(a.meili, docs, q)))
    by_type = defaultdict(lambda: defaultdict(list))
    for q in queries:
        for name, run in engines:
            ranked = run(q)
            by_type[q['type']][name].append((ndcg(ranked, q['relevant']), recall(ranked, q['relevant']), not ranked))
            by_type['all'][name].append(by_type[q['type']][name][-1])
    names = [n for n, _ in engines]
    print('| type | n | ' + ' | '.join(f'{n} nDCG@10' for n in names) + ' |')
    print('|---|---|' + '---|' * len(names))
    for t in sorted(by_type, key=lambda t: (t == 'all', t)):
        row = by_type[t]
        n = len(row[names[0]])
        cells = [f'{sum(r[0] for r in row[name]) / n:.3f}' for name in names]
        print(f'| {t} | {n} | ' + ' | '.join(cells) + ' |')
    print()
    print('| all queries | ' + ' | '.join(names) + ' |')
    print('|---|' + '---|' * len(names))
    rows = by_type['all']
    print('| recall@10 | ' + ' | '.join(f'{sum(r[1] for r in rows[n]) / len(rows[n]):.3f}' for n in names) + ' |')
    print('| queries with no result | ' + ' | '.join(str(sum(r[2] for r in rows[n])) for n in names) + ' |')

if __name__ == '__main__':
    main()
