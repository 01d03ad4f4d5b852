"""Checks for the sixth held-out set. Reads only the corpus and these files."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
from judged_corpus import validate  # noqa: E402

# 60 queries: at least 5 of every type, at least 10 topic, 6 synonym and 6 other_language (3 Ukrainian,
# 3 English). 25 related seeds from at least 16 meetings, none a seed in any of the six earlier related files.
LEAST = {t: 5 for t in ['keyword', 'question', 'nodiacritics', 'typo', 'place', 'filtered', 'abbrev']}
LEAST.update(topic=10, synonym=6, other_language=6)
sys.exit(validate(HERE, ('h6r-', 'h6j-'), 60, least=LEAST, each_language=3, n_seeds=25, min_meetings=16,
                  earlier_sets=['related.json', 'holdout/related.json', 'holdout2/related.json',
                                'holdout3/related.json', 'holdout4/related.json', 'holdout5/related.json']))
