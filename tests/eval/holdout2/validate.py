"""Checks for the second held-out set. Reads only the corpus and these files."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..'))
from judged_corpus import validate  # noqa: E402

# Written with at least 8 synonym and 8 other-language queries (4 Ukrainian, 4 English).
sys.exit(validate(HERE, ('h2r-', 'h2j-'), 48, least={'synonym': 8, 'other_language': 8}, each_language=4, n_seeds=16,
                  min_meetings=10, earlier_sets=['related.json', 'holdout/related.json']))
