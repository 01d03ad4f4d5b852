"""Checks for the eighth held-out set. Reads only the corpus and these files."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
from judged_corpus import validate  # noqa: E402

# 60 queries: at least 5 of every type, at least 8 topic, 6 abbrev, 6 synonym and 6 other_language
# (3 Ukrainian, 3 English). 30 related seeds from at least 18 meetings, none a seed in any of the eight
# earlier related files. No word 3-gram shared with the corpus; every judged id exists; filtered
# judgements pass their filters (all checked by judged_corpus.validate).
LEAST = {t: 5 for t in ['keyword', 'question', 'nodiacritics', 'typo', 'place', 'filtered']}
LEAST.update(topic=8, abbrev=6, synonym=6, other_language=6)
sys.exit(validate(HERE, ('h8r-', 'h8j-'), 60, least=LEAST, each_language=3, n_seeds=30, min_meetings=18,
                  earlier_sets=['related.json', 'holdout/related.json', 'holdout2/related.json',
                                'holdout3/related.json', 'holdout4/related.json', 'holdout5/related.json',
                                'holdout6/related.json', 'holdout7/related.json']))
