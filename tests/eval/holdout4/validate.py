"""Checks for the fourth held-out set. Reads only the corpus and these files."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
from judged_corpus import validate  # noqa: E402

# 9 types x 4 + 6 other_language = 42 is the smallest set meeting all minimums.
sys.exit(validate(HERE, ('h4r-', 'h4j-'), 42, least={'other_language': 6}, each_language=3, n_seeds=20, min_meetings=14,
                  earlier_sets=['related.json', 'holdout/related.json', 'holdout2/related.json',
                                'holdout3/related.json']))
