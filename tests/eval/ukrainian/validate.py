"""Checks for the Ukrainian-language judged set (see ../language_set.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from language_set import ukrainian, validate  # noqa: E402

# Three corpus questions are in Ukrainian: a shared 3-gram would be a copied phrase.
validate(os.path.dirname(os.path.abspath(__file__)),
         [('queries-residents.json', 'uk-r-', 18), ('queries-journalists.json', 'uk-j-', 6)],
         ukrainian,
         earlier=('queries-*.json', 'holdout*/queries-*.json', 'russian/queries-*.json'), shared_is_error=True)
