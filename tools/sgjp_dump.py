#!/usr/bin/env python3
"""Dump SGJP form->lemma pairs from the Morfeusz 2 wheel (PyPI morfeusz2), for building a lemma FST.

Inputs (all from package registries):
  pip install morfeusz2==1.99.15 polish-inflection-data==2026.6.28 marisa-trie
  apt-get install wpolish            # /usr/share/dict/polish: 4.3M Polish word forms (sjp.pl)
Output: TSV "form<TAB>lemma<TAB>classes" (form and lemma lowercased, SGJP homonym suffixes like ':Sm1'
removed; classes = sorted comma-separated SGJP tag classes of that reading, e.g. subst, ger, ppas), sorted.

Lemmas come from (a) analysing every word of /usr/share/dict/polish and (b) the SGJP noun lemmas and
adjective bases shipped in polish-inflection-data; every lemma's full paradigm is then generated.
"""
import sys, time
from multiprocessing import Pool
import morfeusz2, marisa_trie, polish_inflection_data

WORDLIST = '/usr/share/dict/polish'
M = None

def lem(l):
    return l.split(':')[0] if ':' in l and not l.startswith(':') else l

def init():
    global M
    M = morfeusz2.Morfeusz(generate=True)

def analyse(chunk):
    pairs, lemmas = {}, set()
    for w in chunk:
        for s, e, (orth, l, tag, *_) in M.analyse(w):
            # the interpretations of the first segment: for 'zgłosiłem' = 'zgłosił' + aglt 'em' keep zgłosić
            if s != 0 or tag == 'ign' or tag.startswith('aglt') or tag == 'interp':
                continue
            L = lem(l)
            lemmas.add(L)
            pairs.setdefault((w.lower(), L.lower()), set()).add(tag.split(':')[0])
    return pairs, lemmas

def generate(chunk):
    pairs = {}
    for L in chunk:
        try:
            res = M.generate(L)
        except Exception:
            continue
        for orth, l, tag, *_ in res:
            if ' ' not in orth:
                pairs.setdefault((orth.lower(), lem(l).lower()), set()).add(tag.split(':')[0])
    return pairs

def main(out_path, wordlist=WORDLIST, procs=2):
    t0 = time.time()
    words = [w for w in (l.rstrip('\n') for l in open(wordlist, encoding='utf-8')) if w and ' ' not in w]
    pairs, lemmas = {}, set()
    def merge(ps):
        for k, v in ps.items():
            pairs.setdefault(k, set()).update(v)
    with Pool(procs, initializer=init) as p:
        for ps, ls in p.imap_unordered(analyse, [words[i:i + 20000] for i in range(0, len(words), 20000)]):
            merge(ps); lemmas |= ls
        print(f'analysed {len(words)} words: {len(pairs)} pairs, {len(lemmas)} lemmas, {time.time()-t0:.0f}s', file=sys.stderr)
        d = polish_inflection_data.KATALOG
        t = marisa_trie.BytesTrie(); t.load(str(d / 'odmien.marisa'))
        lemmas |= {k.split('\t', 1)[0] for k in t.iterkeys()}
        a = marisa_trie.Trie(); a.load(str(d / 'przymiotniki.marisa'))
        lemmas |= set(a.keys())
        lemmas = sorted(l for l in lemmas if ' ' not in l)
        for ps in p.imap_unordered(generate, [lemmas[i:i + 2000] for i in range(0, len(lemmas), 2000)]):
            merge(ps)
    print(f'generated from {len(lemmas)} lemmas: {len(pairs)} pairs, {time.time()-t0:.0f}s', file=sys.stderr)
    print(f'dictionary: {morfeusz2.Morfeusz().dict_id()}', file=sys.stderr)
    with open(out_path, 'w', encoding='utf-8') as o:
        for (w, l), c in sorted(pairs.items()):
            o.write(f'{w}\t{l}\t{",".join(sorted(c))}\n')

if __name__ == '__main__':
    main(sys.argv[1], *(sys.argv[2:3]))
