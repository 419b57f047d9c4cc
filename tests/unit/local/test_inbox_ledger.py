"""The inbox ledger: what the bus put on an inbox queue and its function had not finished is found again
by the next run (by the queue's logical id), and nothing else; the file shrinks back once all is settled."""

from __future__ import annotations

from pathlib import Path

from local.inbox_ledger import InboxLedger, Unsettled

INBOX = "arn:aws:sqs:us-east-1:123456789012:stack-EvaluationInbox-AAA"
DLQ = "arn:aws:sqs:us-east-1:123456789012:stack-SomeDlq-AAA"


def test_unsettled_messages_are_found_again_by_the_next_run(tmp_path: Path) -> None:
    # Given a run that put three events on an inbox, one on a queue that is no inbox
    path = tmp_path / "inbox.ledger"
    run = InboxLedger(path)
    run.open({INBOX: "EvaluationInbox"})
    run.sent(INBOX, "m1", '{"id": "e1"}', {})
    run.sent(INBOX, "m2", '{"id": "e2"}', {"k": "v"})
    run.sent(DLQ, "m3", '{"id": "e3"}', {})
    run.settled(INBOX, ["m4"])  # its poller was quicker than the ledger line: never recorded as unsettled
    run.sent(INBOX, "m4", '{"id": "e4"}', {})
    # When its function handled the first only, and the process died (a last line cut short)
    run.settled(INBOX, ["m1"])
    with path.open("a") as torn:
        torn.write('{"sent":"m5","que')
    # Then the next run finds the second, by the queue's logical id
    assert InboxLedger(path).unsettled() == [Unsettled("EvaluationInbox", '{"id": "e2"}', {"k": "v"})]


def test_the_file_is_emptied_once_everything_is_settled(tmp_path: Path) -> None:
    path = tmp_path / "inbox.ledger"
    run = InboxLedger(path)
    run.open({INBOX: "EvaluationInbox"})
    run.sent(INBOX, "m1", "{}", {})
    run.sent(INBOX, "m2", "{}", {})
    run.settled(INBOX, ["m1"])
    assert path.read_text() != ""
    run.settled(INBOX, ["m2"])
    assert path.read_text() == ""
    assert InboxLedger(path).unsettled() == []
