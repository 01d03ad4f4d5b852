"""Checks for the English-language judged set (see ../language_set.py)."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from language_set import validate  # noqa: E402


def problems(query):
    if re.search('[\u0400-\u04FF]', query): yield 'has Cyrillic letters'
    if re.search('[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]', query): yield 'has Polish letters'
    if not re.search(r'[A-Za-z]', query): yield 'has no Latin letters'


# Several corpus questions are in English: a shared 3-gram would be a copied phrase.
validate(os.path.dirname(os.path.abspath(__file__)),
         [('queries-residents.json', 'en-r-', 16), ('queries-journalists.json', 'en-j-', 6)], problems,
         earlier=('queries-*.json', 'holdout*/queries-*.json', 'russian/queries-*.json'), shared_is_error=True,
         unique_texts=True)
