"""Checks for the second English-language judged set (see ../language_set.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from language_set import english, validate  # noqa: E402

# Several corpus questions are in English: a shared 3-gram would be a copied phrase.
validate(os.path.dirname(os.path.abspath(__file__)),
         [('queries-residents.json', 'en2-r-', 12), ('queries-journalists.json', 'en2-j-', 4)],
         english,
         earlier=('queries-*.json', 'holdout*/queries-*.json', 'russian/queries-*.json', 'ukrainian/queries-*.json',
                  'english/queries-*.json'), shared_is_error=True, unique_texts=True)
