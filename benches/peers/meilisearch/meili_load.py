#!/usr/bin/env python3
"""Loads docs.tsv (id<TAB>title<TAB>question<TAB>answers) into a running Meilisearch as the index
`NAME`, searchable in the order title > question > answers (Meilisearch's attribute ranking,
the same order as Ławka's boosts), localized as Polish, and prints the time from the first
upload to the last indexing task done. Meilisearch ids allow no `/`, so `key` holds the id with
`/` written as `__`.

Usage: meili_load.py URL NAME docs.tsv
"""
import json, sys, time, urllib.request

BATCH = 20_000


def call(url, method='GET', body=None, ctype='application/json'):
    req = urllib.request.Request(url, method=method, data=body, headers={'Content-Type': ctype})
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.load(r)


def wait(base, task, may_fail=False):
    while True:
        t = call(f'{base}/tasks/{task}')
        if t['status'] in ('succeeded', 'failed', 'canceled'):
            if t['status'] != 'succeeded' and not may_fail:
                sys.exit(f'task {task} {t["status"]}: {t.get("error")}')
            return
        time.sleep(0.05)


def main():
    base, name, docs = sys.argv[1:4]
    try:  # a previous run's index, if any
        wait(base, call(f'{base}/indexes/{name}', 'DELETE')['taskUid'], may_fail=True)
    except urllib.error.HTTPError:
        pass
    wait(base, call(f'{base}/indexes', 'POST', json.dumps({'uid': name, 'primaryKey': 'key'}).encode())['taskUid'])
    settings = {
        'searchableAttributes': ['title', 'question', 'answers'],
        'displayedAttributes': ['key'],
        'localizedAttributes': [{'attributePatterns': ['*'], 'locales': ['pol']}],
    }
    wait(base, call(f'{base}/indexes/{name}/settings', 'PATCH', json.dumps(settings).encode())['taskUid'])
    started = time.monotonic()
    tasks, batch, n = [], [], 0
    with open(docs, encoding='utf-8') as f:
        for line in f:
            i, title, question, answers = line.rstrip('\n').split('\t', 3)
            batch.append(json.dumps({'key': i.replace('/', '__'), 'title': title, 'question': question, 'answers': answers}))
            n += 1
            if len(batch) == BATCH:
                tasks.append(call(f'{base}/indexes/{name}/documents', 'POST', '\n'.join(batch).encode(), 'application/x-ndjson')['taskUid'])
                batch = []
    if batch:
        tasks.append(call(f'{base}/indexes/{name}/documents', 'POST', '\n'.join(batch).encode(), 'application/x-ndjson')['taskUid'])
    for t in tasks:
        wait(base, t)
    print(f'indexed {n} docs in {(time.monotonic() - started) * 1000:.1f} ms', file=sys.stderr, flush=True)


if __name__ == '__main__':
    main()
