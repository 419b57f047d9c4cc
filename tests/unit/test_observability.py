"""The Powertools Tracer is opt-in per function (cold start), and wraps the handler when on."""

from __future__ import annotations

from typing import Any

import pytest

from shared.api.observability import traced


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"echo": event}


def test_without_opt_in_the_handler_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POWERTOOLS_TRACER", raising=False)
    assert traced(handler) is handler


def test_with_opt_in_the_tracer_wraps_the_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACER", "on")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")  # no X-Ray daemon in tests
    wrapped = traced(handler)
    assert wrapped is not handler
    assert wrapped({"a": 1}, None) == {"echo": {"a": 1}}
