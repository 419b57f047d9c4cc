"""Unified Social Credit Code (GB 32100-2015), checked with python-stdnum's `cn.uscc`: the check alone,
without pydantic (the authorizer and the identity verification need only this). `Uscc`, the validated
field type of the models and route parameters, is `shared.domain.uscc`."""

from __future__ import annotations

USCC_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{18}$"


class InvalidUscc(ValueError):
    """The value is not a valid USCC; the message says why in words a partner can act on."""


def validate_uscc(value: str) -> str:
    """Return the USCC unchanged when valid.

    The code is case-sensitive on the wire: stdnum would silently upper-case a lower-case code,
    but a partner that sends one has a bug we should surface rather than paper over (two
    spellings of one key would otherwise reach storage).
    """
    if not isinstance(value, str):
        raise InvalidUscc("USCC must be a string")
    if value != value.strip() or any(c.isspace() for c in value):
        raise InvalidUscc("USCC must not contain spaces")
    if value != value.upper():
        raise InvalidUscc("USCC must be upper case")
    # Imported on the first check, not with the module: `stdnum.util` imports pydoc and ssl (~10 ms of
    # every cold start of every function that merely declares a `Uscc` field).
    from stdnum.cn import uscc as _stdnum_uscc
    from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError

    try:
        _stdnum_uscc.validate(value)
    except InvalidLength as exc:
        raise InvalidUscc(f"USCC must be 18 characters, got {len(value)}") from exc
    except InvalidChecksum as exc:
        raise InvalidUscc("USCC check character does not match (GB 32100-2015)") from exc
    except ValidationError as exc:
        raise InvalidUscc("USCC has characters outside the GB 32100-2015 alphabet") from exc
    return value


def is_valid_uscc(value: str) -> bool:
    try:
        validate_uscc(value)
    except InvalidUscc:
        return False
    return True
