"""The pydantic configurations every model of ours uses (one place, so no model forgets the deferral).

`defer_build=True`: pydantic builds a model's validator and serializer on its first use instead of
when the class is defined. A function imports many models a given invocation never touches (the
request bodies of other routes, the bus events it does not emit, the response shapes that only the
OpenAPI document reads); building them all was a measurable part of every cold start. A model that
is used is built once per execution environment, on first use, exactly as before."""

from __future__ import annotations

from pydantic import ConfigDict

STRICT = ConfigDict(extra="forbid", frozen=True, defer_build=True)
"""Request bodies, bus event details and domain values: unknown fields refused, immutable."""

FROZEN = ConfigDict(frozen=True, defer_build=True)
"""Stored state read back (unknown stored attributes are ignored), immutable."""

SHAPE = ConfigDict(defer_build=True)
"""Response shapes for the OpenAPI document and the response validation of a route."""
