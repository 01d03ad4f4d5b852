"""Checks for the third held-out set. Reads only the corpus and these files."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
from judged_corpus import validate  # noqa: E402

# 8 types x 4 + 6 question + 6 other_language = 44 is the smallest set meeting all minimums.
sys.exit(validate(HERE, ('h3r-', 'h3j-'), 44, least={'question': 6, 'other_language': 6}, each_language=3, n_seeds=24,
                  min_meetings=16, earlier_sets=['related.json', 'holdout/related.json', 'holdout2/related.json']))
