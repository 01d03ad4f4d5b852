"""Checks for the Russian-language judged set (see ../language_set.py)."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from language_set import validate  # noqa: E402

UKR_ONLY = set('іїєґІЇЄҐ')


def problems(query):
    if not re.search('[А-Яа-яЁё]', query): yield 'has no Cyrillic letters'
    if set(query) & UKR_ONLY: yield f'has Ukrainian-only letters {set(query) & UKR_ONLY}'
    if re.search('[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]', query): yield 'has Polish letters'


validate(os.path.dirname(os.path.abspath(__file__)),
         [('queries-residents.json', 'ru-r-', 14), ('queries-journalists.json', 'ru-j-', 6)], problems)
