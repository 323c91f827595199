"""Warehouse stock lines: absurd or foreign-digit quantities are rejected line by line."""

from __future__ import annotations

from sync.inventory.records import MAX_DIGITS, parse_records


def _line(sku: str, on_hand: object) -> dict[str, object]:
    return {"sku": sku, "location": "MAIN", "on_hand": on_hand}


def test_a_quantity_of_thousands_of_digits_is_rejected_not_raised():
    # given digits past Python's int-string limit (4300), as text and as a parsed JSON int
    rows = [_line("TEE-S", "9" * 5000), _line("TEE-M", 10 ** 5000), _line("TEE-L", "7")]
    # when
    good, rejected = parse_records(rows, ceiling=None)
    # then the rest is processed and each reason is short and says why
    assert [(r.sku, r.on_hand) for r in good] == [("TEE-L", 7)]
    assert [(r.where, r.sku) for r in rejected] == [("body[0]", "TEE-S"), ("body[1]", "TEE-M")]
    assert all("absurd" in r.reason and len(r.reason) < 120 for r in rejected)


def test_only_ascii_digits_count_as_a_number():
    # given Arabic-Indic, Devanagari and full-width digits, which int() would accept
    rows = [_line("A", "\u0663"), _line("B", "\u0967\u0968"), _line("C", "\uff13"),
            _line("D", " +3 "), _line("E", "1" * MAX_DIGITS)]
    # when
    good, rejected = parse_records(rows, ceiling=None)
    # then
    assert [(r.sku, r.on_hand) for r in good] == [("D", 3), ("E", int("1" * MAX_DIGITS))]
    assert [r.sku for r in rejected] == ["A", "B", "C"]
    assert all("ASCII digits" in r.reason for r in rejected)


def test_a_long_bad_value_is_cut_short_in_its_reason():
    # when
    _, rejected = parse_records([_line("TEE-S", "x" * 10_000)])
    # then
    assert len(rejected) == 1 and len(rejected[0].reason) < 120
