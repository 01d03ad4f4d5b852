"""Checks for the Ukrainian-language judged set (see ../language_set.py)."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from language_set import validate  # noqa: E402

RUS_ONLY = set('ыэъёЫЭЪЁ')
UKR_LETTERS = set('іїєґІЇЄҐ')


def problems(query):
    if not re.search('[А-Яа-яІіЇїЄєҐґ]', query): yield 'has no Cyrillic letters'
    if set(query) & RUS_ONLY: yield f'has Russian-only letters {set(query) & RUS_ONLY}'
    if not set(query) & UKR_LETTERS: yield 'has none of the Ukrainian letters і ї є ґ'
    if re.search('[A-Za-z]', query): yield 'has Latin letters'
    if re.search('[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]', query): yield 'has Polish letters'


validate(os.path.dirname(os.path.abspath(__file__)),
         [('queries-residents.json', 'uk-r-', 18), ('queries-journalists.json', 'uk-j-', 6)], problems,
         earlier=('queries-*.json', 'holdout*/queries-*.json', 'russian/queries-*.json'), shared_is_error=True)
