"""Checks for the English-language judged set (see ../language_set.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from language_set import english, validate  # noqa: E402

# Several corpus questions are in English: a shared 3-gram would be a copied phrase.
validate(os.path.dirname(os.path.abspath(__file__)),
         [('queries-residents.json', 'en-r-', 16), ('queries-journalists.json', 'en-j-', 6)],
         english,
         earlier=('queries-*.json', 'holdout*/queries-*.json', 'russian/queries-*.json'), shared_is_error=True,
         unique_texts=True)
