"""Checks for the ninth held-out set. Reads only the corpus and these files."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
from judged_corpus import validate  # noqa: E402

# 60 queries concentrated on the two hardest types: at least 30 topic (journalists), 25 synonym and
# 5 question (residents); no other type is required (least 0, each_language 0). 20 related seeds from
# at least 14 meetings, none a seed in any of the nine earlier related files. No word 3-gram shared
# with the corpus; every judged id exists (all checked by judged_corpus.validate).
TYPES = ['keyword', 'question', 'nodiacritics', 'typo', 'place', 'topic', 'filtered', 'abbrev', 'synonym', 'other_language']
LEAST = {t: 0 for t in TYPES}
LEAST.update(topic=30, synonym=25, question=5)
sys.exit(validate(HERE, ('h9r-', 'h9j-'), 60, least=LEAST, each_language=0, n_seeds=20, min_meetings=14,
                  earlier_sets=['related.json', 'holdout/related.json', 'holdout2/related.json',
                                'holdout3/related.json', 'holdout4/related.json', 'holdout5/related.json',
                                'holdout6/related.json', 'holdout7/related.json', 'holdout8/related.json']))
