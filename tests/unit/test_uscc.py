"""USCC validation through python-stdnum, with the project's stricter wire rules."""

from __future__ import annotations

import pytest

from shared.domain.uscc_check import InvalidUscc, is_valid_uscc, validate_uscc


@pytest.mark.parametrize(
    "code", ["91110000600037341L", "91310115MA1K4ABC18", "91440300MA5F123452", "521000005000212672"]
)
def test_valid_codes_pass_unchanged(code: str) -> None:
    assert validate_uscc(code) == code


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91110000600037341A", "check character"),
        ("91110000600037341", "18 characters"),
        ("91110000600037341LX", "18 characters"),
        ("91310115ma1k4abc18", "upper case"),
        ("91110000600037341I", "alphabet"),  # I is not in the GB 32100 alphabet
        ("9111000060003734 L", "spaces"),
        ("", "18 characters"),
    ],
)
def test_invalid_codes_say_why(code: str, reason: str) -> None:
    with pytest.raises(InvalidUscc, match=reason):
        validate_uscc(code)
    assert not is_valid_uscc(code)
