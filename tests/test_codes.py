from __future__ import annotations

import pytest

from reports.model import CROCKFORD, format_code, new_code, new_token, normalize_code


def test_new_code_is_crockford_base32() -> None:
    for _ in range(200):
        code = new_code()
        assert len(code) == 8 and set(code) <= set(CROCKFORD)


def test_token_has_at_least_128_bits() -> None:
    assert len(new_token()) * 6 >= 128


@pytest.mark.parametrize(
    "typed,canonical",
    [
        ("ABCD-2345", "ABCD2345"),
        ("abcd2345", "ABCD2345"),
        ("abcd 2345", "ABCD2345"),
        ("O1IL-0000", "0111" + "0000"),
        ("ABCD-234", None),
        ("ABCD-23U5", "ABCD23V5"),
        ("ABCD-2345-6", None),
        ("", None),
        ("ABCD-23!5", None),
    ],
)
def test_normalize_code(typed: str, canonical: str | None) -> None:
    assert normalize_code(typed) == canonical


def test_format_code() -> None:
    assert format_code("ABCD2345") == "ABCD-2345"
