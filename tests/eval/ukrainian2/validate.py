"""Checks for the second Ukrainian-language judged set (see ../language_set.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from language_set import ukrainian, validate  # noqa: E402

# Three corpus questions are in Ukrainian: a shared 3-gram would be a copied phrase.
validate(os.path.dirname(os.path.abspath(__file__)),
         [('queries-residents.json', 'uk2-r-', 12), ('queries-journalists.json', 'uk2-j-', 4)],
         ukrainian,
         earlier=('queries-*.json', 'holdout*/queries-*.json', 'russian/queries-*.json', 'ukrainian/queries-*.json',
                  'english/queries-*.json'), shared_is_error=True)
