"""The bounded contract fuzz of `make test`: schemathesis against the committed OpenAPI document, through
the handlers, with a fixed seed and derandomized generation (the same requests on every run).
`make fuzz` runs the same thing with many more examples per operation."""

from __future__ import annotations

from tests.contract.fuzz import TOKENS, run

BOUNDED_EXAMPLES = 100
"""Per operation and phase; with the coverage phase about 2,600 requests, ~25 s."""


def test_the_handlers_answer_only_what_the_committed_document_describes() -> None:
    # Given every operation of the committed document, five callers (no token and one per scope), fresh
    # idempotency keys, and one POST in four sent with a malformed body
    # When schemathesis generates valid and invalid requests for each and the handlers answer them
    figures = run(max_examples=BOUNDED_EXAMPLES)
    # Then no check failed: no 5xx, every status and media type is documented, every body matches its
    # schema, every error is a problem document, invalid input is refused and malformed bodies are 400/415
    assert figures.failures == {}, figures.summary()
    assert not [code for code in figures.statuses if code >= 500], figures.summary()
    # And the run reached the handlers' answers it is meant to exercise, from every caller
    assert figures.requests >= 1000, figures.summary()
    assert {200, 201, 202, 400, 401, 403, 404, 409, 415, 422} <= set(figures.statuses), figures.summary()
    assert {*TOKENS, "none", "malformed body"} <= set(figures.tokens), figures.summary()
