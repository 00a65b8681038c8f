"""aria_admin.text.truncate cuts plain text itself (lists call it for every
long cell); what it returns must be exactly what Django's Truncator gives."""

import random
import string

import pytest
from django.utils.text import Truncator

from aria_admin.text import truncate


def truncator(text, length):
    return Truncator(" ".join(str(text or "").split())).chars(length)


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "short",
        "x" * 60,
        "x" * 61,
        "word " * 40,
        " \n\t lots   of\n\nwhitespace  " * 20,
        " " * 500 + "tail after a long run of spaces",
        "é" * 70,
        "e\u0301" * 70,  # combining accents count as nothing
        "caf\u00e9 " * 30,
        {"json": "value"},
        12345,
    ],
)
@pytest.mark.parametrize("length", [1, 2, 60, 80])
def test_truncate_matches_django_truncator(text, length):
    assert truncate(text, length) == truncator(text, length)


def test_truncate_matches_django_truncator_on_random_text():
    rng = random.Random(7)
    alphabet = string.ascii_letters + "    \n\t" + "é\u0301"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        for length in (5, 60, 80):
            assert truncate(text, length) == truncator(text, length), (text, length)


def test_truncate_output():
    assert truncate("a  b\n\nc") == "a b c"
    assert truncate("abcdefghij", 5) == "abcd…"
