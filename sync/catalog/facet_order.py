"""The order shoppers expect facet values in: sizes in size order, numbers by value, text A to Z.

The catalog sync writes each option column's options in this order (HubDB's
option ``order``), and every page lists a facet's values in the column's
order: the server render, the static build and the grid's script (which only
counts and hides the links the server wrote) all show one order, decided here
once at sync time rather than again in HubL and in JavaScript.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

SIZES: tuple[tuple[str, ...], ...] = (
    ("xxxs", "3xs"),
    ("xxs", "2xs"),
    ("xs", "x-small", "extra small"),
    ("s", "small"),
    ("m", "medium"),
    ("l", "large"),
    ("xl", "x-large", "extra large"),
    ("xxl", "2xl", "xx-large"),
    ("xxxl", "3xl", "xxx-large"),
    ("4xl",),
    ("5xl",),
)
"""Clothing sizes from smallest to largest, each with the spellings shops use."""
_SIZE_RANK = {spelling: rank for rank, spellings in enumerate(SIZES) for spelling in spellings}

_NUMBER = re.compile(r"^(?P<before>[^\d]*?)\s*(?P<number>\d+(?:[.,]\d+)?)\s*(?P<after>.*)$")
"""A value that is a number with a prefix (a currency sign, ``W``) or a unit (``180 g``)."""

OPTION_SEPARATOR = ": "
"""``option_values`` cells read ``Size: M``: the option's name, then its value."""

SortKey = tuple[object, ...]


def value_key(value: str) -> SortKey:
    """Where one facet value sorts: sizes first by size, then numbers by value, then text.

    A group normally holds one kind (all sizes, all amounts, all colours); the
    kind comes first in the key so a mixed group still sorts the same way
    every time.

    Args:
        value: a value as shoppers read it (``XL``, ``€25``, ``180 g``, ``Moss``).
    """
    text = value.strip()
    folded = text.casefold()
    rank = _SIZE_RANK.get(folded)
    if rank is not None:
        return (0, rank, folded, text)
    found = _NUMBER.match(text)
    if found:
        try:
            number = Decimal(found["number"].replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
            number = None
        if number is not None:
            before = found["before"].strip().casefold()
            return (1, before, number, found["after"].strip().casefold(), text)
    return (2, folded, text)


def option_key(entry: str) -> SortKey:
    """Where an ``option_values`` entry (``Size: M``) sorts: by option name, then by value."""
    name, separator, value = entry.partition(OPTION_SEPARATOR)
    if not separator:
        return ("", "", value_key(entry))
    return (name.casefold(), name, value_key(value))


def ordered(column: str, names: Iterable[str]) -> list[str]:
    """The distinct ``names`` of option column ``column`` in the order shoppers expect.

    Args:
        column: the HubDB column; ``option_values`` entries group by option name.
        names: the column's option names, in any order.
    """
    key = option_key if column == "option_values" else value_key
    return sorted(set(names), key=key)
