"""Checks for the Russian-language judged set (see ../language_set.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from language_set import russian, validate  # noqa: E402

validate(os.path.dirname(os.path.abspath(__file__)),
         [('queries-residents.json', 'ru-r-', 14), ('queries-journalists.json', 'ru-j-', 6)],
         russian)
