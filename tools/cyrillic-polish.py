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
one per line: `form TAB polish|polish[ TAB lemma]` (at most MAX_POLISH words, in the order the
dictionaries give them; every run writes the same table). Forms with a hyphen are left out (the
query parser splits words there), and so are forms that any reading makes a function word (`все`,
"all", is also a form of `вес`, "weight"). Two-word names that the Polish-Russian dictionary
translates as one Polish word ("детский сад" -> "przedszkole", "сточные воды" -> "ścieki") follow
as `+lemma lemma TAB polish|polish`, and the forms of their lemmas carry the lemma in a third
column. The Ukrainian table ends with the forms that every reading makes a function word, as
`-form` (`біля`, `нашого`), which Ławka drops from a Ukrainian query. The table is generated on
the machine from the installed packages, never committed;
fewer than MIN_FORMS forms means the packages changed, and the script fails rather than write a
table that serves nothing.

The Russian table also has the forms the Apertium analyser does not know at all (it lacks common
words: `лекарства`, `перчатки`, `незрячих`) whose lemma, by simplemma's Russian lemma list (PyPI
`simplemma` 2.0.0, MIT, unpacked by tools/setup-dictionary.sh into $LAWKA_SIMPLEMMA_DIR; skipped
where absent, and then the header line does not name it), FreeDict
translates: as `=form TAB polish|polish`, after the names. simplemma gives no part of speech, so
Ławka searches those forms' Polish words but does not add them to the text whose meaning is
embedded (docs/RELEVANCE.md).

FreeDict's Polish-Russian dictionary is small (26,500 entries): `самокат`, `дырка`, `курс` are
not in it. For Russian words it lacks, a Polish word is also taken where FreeDict's dictionaries
through at least MIN_PIVOTS other languages agree on it (Russian -> German -> Polish and Russian
-> French -> Polish both give `rękawica` for `рукавица`): `dict-freedict-X-rus` read backwards,
then `dict-freedict-X-pol` and `dict-freedict-pol-X` backwards, for each X in PIVOTS (Wiktionary
data, CC-BY-SA 3.0, and GPL / GFDL for English). One pivot alone is not enough: a word's other
senses lead astray (`скамейка` -> German `Bank` -> `bank`, `mielizna`). The pivots' words are
the last resort: a form takes them only where none of its readings (none of a Ukrainian lemma's
Russian ones) is in FreeDict's Polish-Russian dictionary. The header line names the pivots read.

Russian `ё` is written `е` in the forms, as residents mostly type it (Ławka reads `ё` as `е` too);
a lemma is looked up in FreeDict as written first (`небо`, sky, is not `нёбо`, palate).

Usage: cyrillic-polish.py uk|ru OUT_TSV
"""
import collections
import gzip
import os
import re
import subprocess
import sys
import unicodedata

APERTIUM = "/usr/share/apertium/apertium-rus-ukr"
FREEDICT = os.environ.get("LAWKA_FREEDICT_DIR", "/usr/share/dictd")
# Parts of speech whose words carry a need; function words' translations only add noise.
CONTENT = {"n", "adj", "vblex", "adv"}
# Polish words kept per form: the first senses are the common ones.
MAX_POLISH = 2
# A table smaller than this (89,419 Ukrainian and 107,713 Russian forms from the Debian 12 packages)
# means their format changed.
MIN_FORMS = 10_000
# The same for the Ukrainian function words (1,155 from the Debian 12 package).
MIN_FUNCTION_FORMS = 500
# Languages through which FreeDict leads from Russian to Polish (each has X-rus, X-pol and pol-X
# dictionaries in Debian 12; tools/setup-dictionary.sh installs them), and how many must agree.
PIVOTS = ("deu", "ell", "eng", "fra", "ita", "nld", "swe")
MIN_PIVOTS = 2
CYRILLIC = re.compile("[\u0400-\u04ff]")
RUSSIAN_LEMMA = re.compile("^[а-яё]+$")
POLISH_WORD = re.compile("^[a-ząćęłńóśźż]{2,}$")
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


B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def b64_number(s):
    n = 0
    for c in s:
        n = n * 64 + B64.index(c)
    return n


def plain(text):
    """`text` without Wiktionary's stress marks (`глубина́`, `свѐкла`), which no query types."""
    text = unicodedata.normalize("NFC", text).replace("\u0301", "").replace("\u0300", "")
    return text.replace("ѐ", "е").replace("ѝ", "и")


def pivot_key(word):
    """A pivot-language word as both sides spell it: the index drops hyphens, apostrophes and
    dots from headwords (`bateaupompe`), the entries keep them (`bateau-pompe`)."""
    return re.sub(r"[-'.’]", "", word.lower())


def russian_to_polish():
    """FreeDict pol-rus backwards: Russian word -> Polish headwords. A Polish headword whose first
    sense translates the word is kept; one that lists it only for a later sense ("serce" for
    "язык", a bell's tongue) is kept only where no headword lists it for an earlier sense."""
    data = gzip.open(os.path.join(FREEDICT, "freedict-pol-rus.dict.dz")).read()
    senses = collections.defaultdict(list)  # Russian word -> [(sense, Polish headword)]
    with open(os.path.join(FREEDICT, "freedict-pol-rus.index"), encoding="utf-8") as index:
        for line in index:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3 or parts[0].startswith("00"):
                continue  # the database's own entries (00databaseinfo, ...)
            head = parts[0].lower()
            if not head.isalpha():
                continue  # phrases and affixes
            start, size = b64_number(parts[1]), b64_number(parts[2])
            body = plain(data[start : start + size].decode("utf-8"))
            sense = 0
            for line in body.split("\n")[1:]:
                # Translation lines are Russian; the definitions are Polish prose.
                if not CYRILLIC.search(line) or LATIN_WORD.search(line):
                    continue
                # "1. дом 2.": the senses' numbers stand before and after the words.
                line = re.sub(r"\s*\d+\.\s*$", "", re.sub(r"^\s*\d+\.\s*", "", line))
                for word in re.split(r"[,;]", line):
                    word = word.strip().lower()
                    if word and head not in (h for _, h in senses[word]):
                        senses[word].append((sense, head))
                sense += 1
    backwards = {}
    for word, found in senses.items():
        first = min(s for s, _ in found)
        backwards[word] = [h for s, h in sorted(found, key=lambda f: f[0]) if s == first]
    return backwards


def freedict(name):
    """(headword, its translations) for every entry of FreeDict's dictionary `name` (`deu-rus`), or
    nothing where it is not installed. Translations are the first line after the headword's, after
    each part of speech's (`II.`) and each numbered sense's (what follows them is a definition, in
    the headword's language), split at commas and semicolons, without stress marks, grammar
    (`<n>`) or notes in brackets (`[rzeki]`); phrasal verbs and compounds listed under a headword
    (`<V Phras>`) are not its translations."""
    index_path = os.path.join(FREEDICT, f"freedict-{name}.index")
    if not os.path.exists(index_path):
        return
    data = gzip.open(os.path.join(FREEDICT, f"freedict-{name}.dict.dz")).read()
    with open(index_path, encoding="utf-8") as index:
        for line in index:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3 or parts[0].startswith("00"):
                continue
            start, size = b64_number(parts[1]), b64_number(parts[2])
            body = plain(data[start : start + size].decode("utf-8"))
            words, first, skipping = [], True, False
            for text in body.split("\n")[1:]:
                if re.search(r"<[^>]*(Phras|Comp)[^>]*>", text):
                    skipping = True  # up to the next part of speech
                    continue
                text = re.sub(r"<[^>]*>|\([^)]*\)|\[[^\]]*\]", "", text).strip()
                part = re.match(r"^[IVX]+\.\s*", text)
                if part:
                    text, first, skipping = text[part.end() :], True, False
                if skipping:
                    continue
                numbered = re.match(r"^\d+\.\s*", text)
                if not text or not (first or numbered):
                    continue
                first = False
                text = re.sub(r"\s*\d+\.\s*$", "", text[numbered.end() :] if numbered else text)
                words.extend(w.strip().lower() for w in re.split(r"[,;]", text) if w.strip())
            yield parts[0].strip().lower(), words


def triangulated(known):
    """Russian word -> Polish words that at least MIN_PIVOTS pivot languages lead to, for the
    Russian words not in `known` (`ё` read as `е`); and the pivots read whole (all three of their
    dictionaries installed: a table written without one of them is written again). The words most
    pivots agree on come first, then those more pivot words lead to; a word on which four or more
    Polish words tie for the most pivots is too ambiguous to translate (`пустить`, `поставить`)."""
    votes = collections.defaultdict(collections.Counter)  # Russian -> Polish -> pivots
    paths = collections.defaultdict(collections.Counter)  # Russian -> Polish -> pivot words
    used = []
    for pivot in PIVOTS:
        to_pivot = collections.defaultdict(set)  # Russian word -> pivot words
        for head, words in freedict(f"{pivot}-rus"):
            for w in words:
                if RUSSIAN_LEMMA.match(w) and fold_yo(w) not in known:
                    to_pivot[w].add(pivot_key(head))
        to_polish = collections.defaultdict(set)  # pivot word -> Polish words
        for head, words in freedict(f"{pivot}-pol"):
            to_polish[pivot_key(head)].update(w for w in words if POLISH_WORD.match(w))
        for head, words in freedict(f"pol-{pivot}"):
            if POLISH_WORD.match(head):
                for w in words:
                    to_polish[pivot_key(w)].add(head)
        names = (f"{pivot}-rus", f"{pivot}-pol", f"pol-{pivot}")
        if all(os.path.exists(os.path.join(FREEDICT, f"freedict-{n}.index")) for n in names):
            used.append(pivot)
        for russian, heads in to_pivot.items():
            found = collections.Counter(p for h in heads for p in to_polish.get(h, ()))
            votes[russian].update(found.keys())
            paths[russian].update(found)
    out = {}
    for russian, counts in sorted(votes.items()):
        top = max(counts.values(), default=0)
        if top < MIN_PIVOTS or sum(1 for n in counts.values() if n == top) >= 4:
            continue
        agreed = [p for p, n in counts.items() if n >= MIN_PIVOTS]
        out[russian] = sorted(agreed, key=lambda p: (-counts[p], -paths[russian][p], p))
    return out, used


class Dictionary:
    """FreeDict's Russian words (read backwards) looked up as written, else with `ё` read as `е`:
    the analyser and FreeDict do not always agree on `ё` (`жильё` / `жилье`), but `небо` (sky) is
    no form of `нёбо` (palate). `pivoted`: the words the pivots give for Russian words FreeDict's
    Polish-Russian dictionary lacks, asked only where it gives nothing (`pivoted()`)."""

    def __init__(self, backwards, pivoted=None):
        self.exact = backwards
        self.folded = collections.defaultdict(list)
        for word in sorted(backwards):
            self.folded[fold_yo(word)].append(word)
        self.pivots = Dictionary(pivoted) if pivoted else None

    def pivoted(self, word):
        return self.pivots.get(word) if self.pivots else []

    def get(self, word):
        if word in self.exact:
            return self.exact[word]
        out = []
        for w in self.folded.get(fold_yo(word), ()):
            out.extend(p for p in self.exact[w] if p not in out)
        return out

    def names(self):
        """The two-word entries, as ((first, second), Polish words), sorted."""
        return [(tuple(w.split()), ps) for w, ps in sorted(self.exact.items()) if len(w.split()) == 2]


def is_word(i, _):
    # Lemmas are words: the numbers' and punctuation's patterns loop.
    return WORD.match(i.split("<")[0]) is not None


def fold_yo(text):
    return text.replace("ё", "е")


# First tags of function words: a form that any reading makes one (`все`, "all", is also a form of
# `вес`, "weight"; `вы`, "you", of `высокий`) is a function word in a query, not a need.
FUNCTION = {"prn", "det", "pr", "cnjcoo", "cnjsub", "cnjadv", "part", "ij", "num", "pred", "vbser", "vbmod", "vaux"}


def analyse(analyser, words):
    """Each of `words` -> its readings [(lemma, first tag)], by `lt-proc` with `analyser`."""
    text = "\n".join(sorted(set(words)))
    out = subprocess.run(["lt-proc", analyser], input=text, check=True, capture_output=True, text=True).stdout
    readings = {}
    for m in re.finditer(r"\^([^/$]*)/([^$]*)\$", out):
        found = [lemma_and_pos(r) for r in m.group(2).split("/") if not r.startswith("*")]
        readings[m.group(1).lower()] = found
    return readings


def readings_of(analyser, wanted):
    """(form, lemma, first tag, analysis) for every form of the lemmas whose `ё`-folded spelling
    is in `wanted`, walking `analyser` (its paths pruned to those lemmas)."""
    prefixes = {lemma[:n] for lemma in wanted for n in range(len(lemma) + 1)}

    def keep(_, out):
        cut = out.find("<")
        lemma = fold_yo(out.lower() if cut < 0 else out[:cut].lower())
        return lemma in prefixes if cut < 0 else lemma in wanted

    for arcs, finals in att(analyser):
        for form, analysis in paths(arcs, finals, keep):
            lemma, pos = lemma_and_pos(analysis)
            yield form.lower(), lemma, pos, analysis


def build_table(analyser, rows, translate, in_phrases):
    """Form (`ё` written `е`) -> its Polish words (at most MAX_POLISH), and form -> lemma for the
    forms of the names' parts (`in_phrases`, folded lemmas). `translate(lemma)` gives FreeDict's
    Polish-Russian words and the pivots' ones; a form takes the pivots' only where none of its
    readings has the first kind (`даром` stays `darmo`, whatever the pivots make of `дар`). A form
    written without `ё` keeps its own words where another form folds into it (`небо`, not
    `нёбо`); forms that are function words by any reading are left out."""
    exact, folded, lemmas = {}, {}, {}
    spare_exact, spare_folded = {}, {}
    for form, lemma, pos, analysis in rows:
        # Interrogatives ("де" where, "как" how) are function words, whatever their part of speech.
        if pos not in CONTENT or "<itg>" in analysis or "-" in form:
            continue
        key = fold_yo(form)
        if fold_yo(lemma) in in_phrases and key not in lemmas:
            lemmas[key] = fold_yo(lemma)
        polish, pivoted = translate(lemma)
        own = key == form
        for found, target in ((polish, exact if own else folded), (pivoted, spare_exact if own else spare_folded)):
            if not found:
                continue
            words = target.setdefault(key, [])
            for p in found:
                if p not in words and len(words) < MAX_POLISH:
                    words.append(p)
    table = {**folded, **exact}
    for key, words in {**spare_folded, **spare_exact}.items():
        table.setdefault(key, words)
    readings = analyse(analyser, set(table) | set(lemmas))
    for form, found in readings.items():
        if any(pos in FUNCTION for _, pos in found):
            table.pop(form, None)
            lemmas.pop(form, None)
    return table, lemmas


def name_lemmas(dictionary):
    """FreeDict's two-word names with the readings of their words by the Russian analyser: an
    entry may be inflected (`сточные воды` -> `ścieki`) and is found by its lemmas."""
    names = dictionary.names()
    readings = analyse(os.path.join(APERTIUM, "rus-ukr.automorf.bin"), [w for pair, _ in names for w in pair])
    for (a, b), polish in names:
        firsts = sorted({fold_yo(l) for l, pos in readings.get(a, ()) if pos in ("adj", "n")})
        seconds = sorted({fold_yo(l) for l, pos in readings.get(b, ()) if pos == "n"})
        yield firsts, seconds, polish[:MAX_POLISH]


def ukrainian(dictionary):
    """The Ukrainian table: each Ukrainian lemma reaches Polish through its Russian lemmas."""
    # The bilingual dictionary's (Ukrainian, Russian) lemma pairs, sorted for a stable table.
    pairs = sorted(
        {
            (lemma_and_pos(ukr), lemma_and_pos(rus)[0])
            for arcs, finals in att(os.path.join(APERTIUM, "ukr-rus.autobil.bin"))
            for ukr, rus in paths(arcs, finals, is_word, first_tag=True)
        }
    )
    # Ukrainian lemma -> Polish words, through each of its Russian lemmas; the pivots' words apart.
    polish, pivoted = {}, {}
    for (lemma, pos), russian in pairs:
        if pos not in CONTENT:
            continue
        for source, found in ((polish, dictionary.get(russian)), (pivoted, dictionary.pivoted(russian))):
            words = source.setdefault(lemma, [])
            words.extend(p for p in found if p not in words)
    polish = {k: v for k, v in polish.items() if v}
    pivoted = {k: v for k, v in pivoted.items() if v}
    # Two-word names the dictionary translates as one Polish word ("детский сад" -> przedszkole):
    # an adjective or noun, then a noun, each Russian lemma reached from a Ukrainian one.
    from_russian = collections.defaultdict(set)
    for ukr, russian in pairs:
        from_russian[fold_yo(russian)].add(ukr)
    phrases = {}
    for firsts, seconds, words in name_lemmas(dictionary):
        for a, pos_a in sorted(u for r in firsts for u in from_russian.get(r, ())):
            for b, pos_b in sorted(u for r in seconds for u in from_russian.get(r, ())):
                if pos_a in ("adj", "n") and pos_b == "n":
                    phrases.setdefault((a, b), words)
    in_phrases = {lemma for pair in phrases for lemma in pair}
    analyser = os.path.join(APERTIUM, "ukr-rus.automorf.bin")
    rows = readings_of(analyser, set(polish) | set(pivoted) | in_phrases)
    table, lemmas = build_table(
        analyser, rows, lambda lemma: (polish.get(lemma, []), pivoted.get(lemma, [])), in_phrases
    )
    return table, lemmas, phrases, {}, function_forms(analyser, pairs)


def function_forms(analyser, pairs):
    """The forms of the bilingual dictionary's function lemmas (pronouns, determiners,
    prepositions, conjunctions, particles, interjections, numerals, modal, auxiliary and
    predicative words: `FUNCTION`) that every reading
    of the analyser makes a function word (`біля`, `нашого`, `можна`, not `як`, also an adverb):
    in a query they carry no need, and spelt in Polish letters they meet Polish words by the typo
    tolerance (`нашого` → `naszogo`, one edit from `naszego`)."""
    lemmas = {lemma for (lemma, pos), _ in pairs if pos in FUNCTION}
    forms = {form for form, _, pos, _ in readings_of(analyser, lemmas) if pos in FUNCTION and "-" not in form}
    readings = analyse(analyser, forms)
    out = {fold_yo(f) for f, found in readings.items() if found and all(pos in FUNCTION for _, pos in found)}
    if len(out) < MIN_FUNCTION_FORMS:
        sys.exit(f"cyrillic-polish: only {len(out)} Ukrainian function words: has apertium-rus-ukr changed?")
    return out


def polish_stop_words():
    """Ławka's Polish stop list, read from its source (`src/analysis/stopwords.rs`)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "analysis", "stopwords.rs")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    body = text[text.index("STOP_WORDS: &[&str] = &[") :]
    return set(re.findall(r'"([^"]+)"', body[: body.index("];")]))


def russian(dictionary):
    """The Russian table: each Russian lemma is a word FreeDict translates, or the pivots do."""
    analyser = os.path.join(APERTIUM, "rus-ukr.automorf.bin")
    phrases = {}
    for firsts, seconds, words in name_lemmas(dictionary):
        for a in firsts:
            for b in seconds:
                phrases.setdefault((a, b), words)
    in_phrases = {lemma for pair in phrases for lemma in pair}
    words = set(dictionary.exact) | (set(dictionary.pivots.exact) if dictionary.pivots else set())
    wanted = {fold_yo(w) for w in words if " " not in w} | in_phrases
    translate = lambda lemma: (dictionary.get(lemma), dictionary.pivoted(lemma))  # noqa: E731
    table, lemmas = build_table(analyser, readings_of(analyser, wanted), translate, in_phrases)
    lemma_list = simplemma_russian()
    guessed = unanalysed_forms(analyser, dictionary, table, lemma_list) if lemma_list is not None else {}
    # A form that FreeDict itself translates by Polish function words only is one, whatever the
    # analyser reads in it (it knows `при`, "przy", only as a form of `переть`, "przeć").
    stop = polish_stop_words()
    for form in sorted(set(table) | set(lemmas) | set(guessed)):
        direct = dictionary.get(form)
        if direct and all(p in stop for p in direct):
            table.pop(form, None)
            lemmas.pop(form, None)
            guessed.pop(form, None)
    # Russian function words stay in a query: dropping them (by the analyser, as for Ukrainian,
    # or by NLTK's list) lost on the Russian probe (docs/RELEVANCE.md).
    return table, lemmas, phrases, guessed, set()


# The simplemma release the Russian table is written with (tools/setup-dictionary.sh pins its wheel).
SIMPLEMMA_VERSION = "2.0.0"
RUSSIAN_WORD = re.compile("^[а-яё]+$")


def simplemma_russian():
    """simplemma's Russian form -> lemma list from the unpacked wheel at $LAWKA_SIMPLEMMA_DIR
    (tools/setup-dictionary.sh), or None: never a copy installed elsewhere, whose version would
    change the table."""
    path = os.environ.get("LAWKA_SIMPLEMMA_DIR")
    if not path:
        print("cyrillic-polish: no LAWKA_SIMPLEMMA_DIR: Russian forms from Apertium only", file=sys.stderr)
        return None
    sys.path.insert(0, path)
    try:
        import simplemma
        from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

        if simplemma.__version__ != SIMPLEMMA_VERSION:
            raise ImportError(f"simplemma {simplemma.__version__}, not {SIMPLEMMA_VERSION}")
        return DefaultDictionaryFactory().get_dictionary("ru")
    except Exception as e:  # noqa: BLE001 - any failure leaves the Apertium table, as without it
        print(f"cyrillic-polish: simplemma unusable ({e}): Russian forms from Apertium only", file=sys.stderr)
        return None


def lemma_per_form(pairs):
    """(form, lemma) pairs -> lowercase form -> lemma. Where two entries meet in lower case, the
    one written in lower case wins: a common word over a name (`амурах`, `амуры` rather than
    `Амур`; the list sorts capitals first)."""
    out, lower = {}, set()
    for form, lemma in pairs:
        key = str(form).lower()
        if key in lower or (key in out and str(form) != key):
            continue
        out[key] = str(lemma).lower()
        if str(form) == key:
            lower.add(key)
    return out


def unanalysed_forms(analyser, dictionary, table, lemmas):
    """Forms the Apertium analyser does not know at all (`лекарства`, `перчатки`, `незрячих`: it
    lacks many common words) -> the Polish words FreeDict gives their lemma, by simplemma's
    Russian lemma list (`lemmas`, form -> lemma). A form the analyser knows keeps its readings'
    verdict (a function word stays out); simplemma has no parts of speech, so its forms are only
    taken where Apertium has none, and only forms of Russian letters."""
    found = {}
    for form, lemma in sorted(lemma_per_form(lemmas.items()).items()):
        key = fold_yo(form)
        if key in table or key in found or not RUSSIAN_WORD.match(form) or len(form) < 3:
            continue
        polish = (dictionary.get(lemma) or dictionary.pivoted(lemma))[:MAX_POLISH]
        if polish:
            found[key] = polish
    known = analyse(analyser, found)
    return {form: polish for form, polish in sorted(found.items()) if not known.get(form)}


LANGUAGES = {"uk": ("Ukrainian", ukrainian), "ru": ("Russian", russian)}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in LANGUAGES:
        sys.exit(__doc__)
    name, build = LANGUAGES[sys.argv[1]]
    out_path = sys.argv[2]
    backwards = russian_to_polish()
    pivoted, pivots = triangulated({fold_yo(w) for w in backwards})
    table, lemmas, phrases, guessed, function = build(Dictionary(backwards, pivoted))
    if len(table) < MIN_FORMS:
        sys.exit(f"cyrillic-polish: only {len(table)} {name} forms: have apertium-rus-ukr or dict-freedict-pol-rus changed?")
    tmp = out_path + ".tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            # tools/setup-dictionary.sh reads "pivots" and "simplemma" here: a table written without
            # them (packages or PyPI away) is written again.
            sources = "apertium-rus-ukr and dict-freedict-pol-rus"
            if pivots:
                sources += f", FreeDict's pivots {' '.join(pivots)}"
            if guessed:
                sources += f", simplemma {SIMPLEMMA_VERSION}"
            out.write(f"# {name} form -> Polish words; tools/cyrillic-polish.py from {sources}\n")
            for form in sorted(set(table) | set(lemmas)):
                lemma = f"\t{lemmas[form]}" if form in lemmas else ""
                out.write(f"{form}\t{'|'.join(table.get(form, []))}{lemma}\n")
            for (a, b), words in sorted(phrases.items()):
                out.write(f"+{a} {b}\t{'|'.join(words)}\n")
            for form, words in sorted(guessed.items()):
                out.write(f"={form}\t{'|'.join(words)}\n")
            # Without a tab: a Ławka that predates them skips these lines.
            for form in sorted(function):
                out.write(f"-{form}\n")
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    print(
        f"cyrillic-polish: {len(table)} {name} forms, {len(phrases)} two-word names, {len(function)} function"
        f" words, {len(guessed)} forms by"
        f" simplemma's lemmas, {len(pivoted)} Russian words through {len(pivots)} pivots -> {out_path}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
