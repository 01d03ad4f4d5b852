"""Checks for the fifth held-out set. Reads only the corpus and these files."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
from judged_corpus import validate  # noqa: E402

# 55 queries: at least 5 of every type, 6 of the four hardest (topic, synonym, question, filtered)
# and 6 other_language (3 Ukrainian, 3 English). 22 related seeds from at least 14 meetings.
sys.exit(validate(HERE, ('h5r-', 'h5j-'), 55, least={'other_language': 6}, each_language=3, n_seeds=22, min_meetings=14,
                  earlier_sets=['related.json', 'holdout/related.json', 'holdout2/related.json',
                                'holdout3/related.json', 'holdout4/related.json']))
