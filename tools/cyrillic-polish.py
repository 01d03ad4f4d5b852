#!/usr/bin/env python3
"""Builds Ławka's Ukrainian -> Polish and Russian -> Polish word tables from two Debian packages.

No Ukrainian-Polish dictionary installs here (docs/RELEVANCE.md), but two halves do:
- Apertium's Ukrainian-Russian pair (`apertium-rus-ukr`, GPL): its Ukrainian morphological
  analyser (every inflected form -> lemma and tags) and its bilingual dictionary (Ukrainian
  lemma -> Russian lemma);
- FreeDict's Polish-Russian dictionary (`dict-freedict-pol-rus`, CC-BY-SA 3.0, from Wiktionary),
  read backwards (Russian word -> the Polish headwords that list it).
The Ukrainian table chains them through Russian; the Russian one needs only the pair's Russian
morphological analyser (every inflected Russian form -> lemma and tags) and FreeDict.

Both transducers are printed with `lt-print` (lttoolbox-dev) and walked here; only the forms of
content words (nouns, adjectives, verbs, adverbs) whose lemma reaches a Polish word are written,
one per line: `form TAB polish|polish[ TAB lemma]` (at most MAX_POLISH words, those of the Russian words
in sorted order, so that every run writes the same table). Forms with a hyphen are left out: the
query parser splits words there. Two-word names that the Polish-Russian dictionary translates as
one Polish word ("детский сад" -> "przedszkole") follow as `+lemma lemma TAB polish|polish`, and
the forms of their lemmas carry the lemma in a third column. The table is generated on the machine from the installed
packages, never committed; fewer than MIN_FORMS forms means the packages changed, and the script
fails rather than write a table that serves nothing.

Russian `ё` is written `е`, as residents mostly type it (Ławka reads `ё` as `е` too).

Usage: cyrillic-polish.py uk|ru OUT_TSV
"""
import collections
import gzip
import os
import re
import subprocess
import sys

APERTIUM = "/usr/share/apertium/apertium-rus-ukr"
FREEDICT = os.environ.get("LAWKA_FREEDICT_DIR", "/usr/share/dictd")
# Parts of speech whose words carry a need; function words' translations only add noise.
CONTENT = {"n", "adj", "vblex", "adv"}
# Polish words kept per Ukrainian form: the first senses are the common ones.
MAX_POLISH = 2
# A table smaller than this (79,743 forms from the Debian 12 packages) means their format changed.
MIN_FORMS = 10_000
CYRILLIC = re.compile("[\u0400-\u04ff]")
WORD = re.compile(r"^[^\W\d_]['\w\-]*$|^$")
LATIN_WORD = re.compile("[a-ząćęłńóśźż]{3,}")


def att(path):
    """The transducer at `path` as sections of (arcs by state, final states)."""
    text = subprocess.run(["lt-print", path], check=True, capture_output=True, text=True).stdout
    sections = [[]]
    for line in text.split("\n"):
        if line.startswith("--"):
            sections.append([])
        elif line:
            sections[-1].append([f for f in line.split("\t") if f != ""])
    out = []
    for lines in sections:
        arcs, finals = collections.defaultdict(list), set()
        for f in lines:
            if len(f) <= 2:
                finals.add(f[0])
            else:
                sym = lambda s: "" if s in ("ε", "@0@") else s
                arcs[f[0]].append((f[1], sym(f[2]), sym(f[3])))
        out.append((arcs, finals))
    return out


def paths(arcs, finals, keep=lambda i, o: True, limit=60, first_tag=False):
    """Every (input, output) string pair the section accepts, up to `limit` input symbols; `keep`
    prunes by the two prefixes. With `first_tag`, a path ends where both sides have their lemma and
    first tag (all that is used of the bilingual dictionary, which loops over any further tags)."""
    stack = [("0", "", "")]
    while stack:
        state, i, o = stack.pop()
        if first_tag and ">" in i and ">" in o:
            yield i, o
            continue
        if state in finals and i:
            yield i, o
        if len(i) > limit:
            continue
        for to, a, b in arcs.get(state, ()):
            if keep(i + a, o + b):
                stack.append((to, i + a, o + b))


def lemma_and_pos(analysis):
    m = re.match(r"([^<]*)<([^>]*)>", analysis)
    return (m.group(1).lower(), m.group(2)) if m else (analysis.lower(), "")


def russian_to_polish():
    """FreeDict pol-rus backwards: Russian word -> Polish headwords. A Polish headword whose first
    sense translates the word is kept; one that lists it only for a later sense ("serce" for
    "язык", a bell's tongue) is kept only where no headword lists it for an earlier sense."""
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    def number(s):
        n = 0
        for c in s:
            n = n * 64 + b64.index(c)
        return n

    data = gzip.open(os.path.join(FREEDICT, "freedict-pol-rus.dict.dz")).read()
    senses = collections.defaultdict(list)  # Russian word -> [(sense, Polish headword)]
    with open(os.path.join(FREEDICT, "freedict-pol-rus.index"), encoding="utf-8") as index:
        for line in index:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3 or parts[0].startswith("00-"):
                continue
            head = parts[0].lower()
            if not head.isalpha():
                continue  # phrases and affixes
            body = data[number(parts[1]) : number(parts[1]) + number(parts[2])].decode("utf-8")
            sense = 0
            for line in body.split("\n")[1:]:
                # Translation lines are Russian; the definitions are Polish prose.
                if not CYRILLIC.search(line) or LATIN_WORD.search(line):
                    continue
                # "1. дом 2.": the senses' numbers stand before and after the words.
                line = re.sub(r"\s*\d+\.\s*$", "", re.sub(r"^\s*\d+\.\s*", "", line))
                for word in re.split(r"[,;]", line):
                    word = fold_yo(word.strip().lower())
                    if word and head not in (h for _, h in senses[word]):
                        senses[word].append((sense, head))
                sense += 1
    backwards = {}
    for word, found in senses.items():
        first = min(s for s, _ in found)
        backwards[word] = [h for s, h in sorted(found, key=lambda f: f[0]) if s == first]
    return backwards


def is_word(i, _):
    # Lemmas are words: the numbers' and punctuation's patterns loop.
    return WORD.match(i.split("<")[0]) is not None


def forms_of(analyser, polish, in_phrases):
    """Every form of the lemmas wanted (`polish`'s and the names' parts), from `analyser`: form ->
    its Polish words (at most MAX_POLISH), and form -> lemma for the forms of the names' parts."""
    wanted = set(polish) | in_phrases
    prefixes = {lemma[:n] for lemma in wanted for n in range(len(lemma) + 1)}

    def keep(_, out):
        # The analyser's lemmas keep `ё`; the wanted ones are written with `е`.
        cut = out.find("<")
        lemma = fold_yo(out.lower() if cut < 0 else out[:cut].lower())
        return lemma in prefixes if cut < 0 else lemma in wanted

    table = {}
    lemmas = {}
    for arcs, finals in att(analyser):
        for form, analysis in paths(arcs, finals, keep):
            lemma, pos = lemma_and_pos(analysis)
            lemma = fold_yo(lemma)
            # Interrogatives ("де" where, "как" how) are function words, whatever their part of speech.
            if pos not in CONTENT or "<itg>" in analysis or "-" in form:
                continue
            form = fold_yo(form.lower())
            if lemma in in_phrases and form not in lemmas:
                lemmas[form] = lemma
            if lemma not in polish:
                continue
            words = table.setdefault(form, [])
            for p in polish[lemma]:
                if p not in words and len(words) < MAX_POLISH:
                    words.append(p)
    return table, lemmas


def fold_yo(text):
    return text.replace("ё", "е")


def ukrainian(to_polish):
    """The Ukrainian table: each Ukrainian lemma reaches Polish through its Russian lemmas."""
    # The bilingual dictionary's (Ukrainian, Russian) lemma pairs, sorted for a stable table.
    pairs = sorted(
        {
            (lemma_and_pos(ukr), fold_yo(lemma_and_pos(rus)[0]))
            for arcs, finals in att(os.path.join(APERTIUM, "ukr-rus.autobil.bin"))
            for ukr, rus in paths(arcs, finals, is_word, first_tag=True)
        }
    )
    # Ukrainian lemma -> Polish words, through each of its Russian lemmas.
    polish = {}
    for (lemma, pos), russian in pairs:
        if pos not in CONTENT:
            continue
        words = polish.setdefault(lemma, [])
        for p in to_polish.get(russian, []):
            if p not in words:
                words.append(p)
    polish = {k: v for k, v in polish.items() if v}
    # Two-word names the dictionary translates as one Polish word ("детский сад" -> przedszkole):
    # an adjective or noun, then a noun, each Russian word reached from a Ukrainian lemma.
    from_russian = collections.defaultdict(set)
    for ukr, russian in pairs:
        from_russian[russian].add(ukr)
    phrases = {}
    for russian, words in sorted(to_polish.items()):
        parts = russian.split()
        if len(parts) != 2:
            continue
        for a, pos_a in sorted(from_russian.get(parts[0], ())):
            for b, pos_b in sorted(from_russian.get(parts[1], ())):
                if pos_a in ("adj", "n") and pos_b == "n":
                    phrases.setdefault((a, b), words[:MAX_POLISH])
    in_phrases = {lemma for pair in phrases for lemma in pair}
    table, lemmas = forms_of(os.path.join(APERTIUM, "ukr-rus.automorf.bin"), polish, in_phrases)
    return table, lemmas, phrases, len(polish)


def russian(to_polish):
    """The Russian table: each Russian lemma is a word FreeDict translates."""
    analyser = os.path.join(APERTIUM, "rus-ukr.automorf.bin")
    polish = {w: ps for w, ps in to_polish.items() if " " not in w}
    # The parts of speech of the analyser's lemmas, for the two-word names' parts.
    pos_of = collections.defaultdict(set)
    words = set(polish) | {p for w in to_polish for p in w.split()}
    prefixes = {w[:n] for w in words for n in range(len(w) + 1)}

    def keep(_, out):
        cut = out.find("<")
        lemma = fold_yo(out.lower() if cut < 0 else out[:cut].lower())
        return lemma in prefixes if cut < 0 else lemma in words

    for arcs, finals in att(analyser):
        for _, analysis in paths(arcs, finals, keep):
            lemma, pos = lemma_and_pos(analysis)
            pos_of[fold_yo(lemma)].add(pos)
    phrases = {}
    for name, ps in sorted(to_polish.items()):
        parts = name.split()
        if len(parts) == 2 and pos_of[parts[0]] & {"adj", "n"} and "n" in pos_of[parts[1]]:
            phrases[(parts[0], parts[1])] = ps[:MAX_POLISH]
    in_phrases = {lemma for pair in phrases for lemma in pair}
    table, lemmas = forms_of(analyser, polish, in_phrases)
    return table, lemmas, phrases, len({l for l in polish if l in pos_of})


LANGUAGES = {"uk": ("Ukrainian", ukrainian), "ru": ("Russian", russian)}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in LANGUAGES:
        sys.exit(__doc__)
    name, build = LANGUAGES[sys.argv[1]]
    out_path = sys.argv[2]
    table, lemmas, phrases, n_lemmas = build(russian_to_polish())
    if len(table) < MIN_FORMS:
        sys.exit(f"cyrillic-polish: only {len(table)} {name} forms: have apertium-rus-ukr or dict-freedict-pol-rus changed?")
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(f"# {name} form -> Polish words; tools/cyrillic-polish.py from apertium-rus-ukr and dict-freedict-pol-rus\n")
        for form in sorted(set(table) | set(lemmas)):
            lemma = f"\t{lemmas[form]}" if form in lemmas else ""
            out.write(f"{form}\t{'|'.join(table.get(form, []))}{lemma}\n")
        for (a, b), words in sorted(phrases.items()):
            out.write(f"+{a} {b}\t{'|'.join(words)}\n")
    os.replace(tmp, out_path)
    print(
        f"cyrillic-polish: {len(table)} {name} forms of {n_lemmas} lemmas, {len(phrases)} two-word names -> {out_path}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
