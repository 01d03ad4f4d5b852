#!/usr/bin/env python3
"""PostgreSQL full-text search with Polish hunspell (ispell template over Debian's hunspell-pl),
behind the same minimal HTTP interface as the Lucene wrapper:

    GET /search?q=...&k=10  ->  {"hits":[{"id":"...","score":0.12},...]}

Loads docs.tsv (id<TAB>title<TAB>question<TAB>answers) into a table of its own, builds weighted
tsvectors (title A, question B, answers C: the same order of importance as Ławka's boosts) and a
GIN index, prints the time that took, then serves with a pool of persistent connections (each
backend loads the dictionary once, ~0.3 s, so the pool is warmed before serving).

Usage: pg_http.py --dsn DSN --table NAME --docs docs.tsv --port PORT [--pool 16]
"""
import argparse, json, queue, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg

# The stop list is Ławka's (written to tsearch_data/lawka_pl.stop by run.sh): no Polish list ships
# with PostgreSQL, and without one every "czy", "na", "do" of a question would be a required word.
SETUP = """
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = 'polish_hunspell') THEN
    CREATE TEXT SEARCH DICTIONARY polish_hunspell
      (TEMPLATE = ispell, DictFile = pl_pl, AffFile = pl_pl, StopWords = lawka_pl);
    CREATE TEXT SEARCH DICTIONARY polish_simple (TEMPLATE = simple, StopWords = lawka_pl);
    CREATE TEXT SEARCH CONFIGURATION polish (COPY = simple);
    ALTER TEXT SEARCH CONFIGURATION polish
      ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
      WITH polish_hunspell, polish_simple;
  END IF;
END $$;
"""

SEARCH = """
SELECT id, ts_rank(tsv, query) AS score
FROM {table}, plainto_tsquery('polish', %s) AS query
WHERE tsv @@ query
ORDER BY score DESC, id
LIMIT %s
"""


def load(dsn, table, docs):
    started = time.monotonic()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(SETUP)
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(f"CREATE TABLE {table} (id text PRIMARY KEY, title text, question text, answers text, tsv tsvector)")
        with conn.cursor().copy(f"COPY {table} (id, title, question, answers) FROM STDIN") as copy:
            with open(docs, encoding="utf-8") as f:
                for line in f:
                    copy.write_row(line.rstrip("\n").split("\t", 3))
        conn.execute(
            f"UPDATE {table} SET tsv = setweight(to_tsvector('polish', title), 'A') || "
            f"setweight(to_tsvector('polish', question), 'B') || setweight(to_tsvector('polish', answers), 'C')"
        )
        conn.execute(f"CREATE INDEX ON {table} USING gin (tsv)")
        conn.execute(f"VACUUM ANALYZE {table}")
        n = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    print(f"indexed {n} docs in {(time.monotonic() - started) * 1000:.1f} ms", file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dsn", required=True)
    ap.add_argument("--table", required=True)
    ap.add_argument("--docs", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pool", type=int, default=16)
    a = ap.parse_args()
    load(a.dsn, a.table, a.docs)

    pool = queue.Queue()
    for _ in range(a.pool):
        conn = psycopg.connect(a.dsn, autocommit=True)
        conn.execute("SELECT to_tsvector('polish', 'rozgrzewka słownika')")  # loads the dictionary now
        pool.put(conn)
    sql = SEARCH.format(table=a.table)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body are two writes: without this, Nagle's algorithm and delayed ACKs add
        # 40 ms to every keep-alive response.
        disable_nagle_algorithm = True

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            params = urllib.parse.parse_qs(url.query)
            code, body = 200, None
            if url.path != "/search":
                code, body = 404, {"error": "not found"}
            else:
                q = params.get("q", [""])[0]
                k = int(params.get("k", ["10"])[0])
                conn = pool.get()
                try:
                    rows = conn.execute(sql, (q, k)).fetchall()
                    body = {"hits": [{"id": r[0], "score": float(r[1])} for r in rows]}
                except psycopg.Error as e:
                    code, body = 400, {"error": str(e).strip()}
                finally:
                    pool.put(conn)
            out = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    server.daemon_threads = True
    print(f"listening on 127.0.0.1:{a.port}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
