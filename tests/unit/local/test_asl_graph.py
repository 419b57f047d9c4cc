"""The state machine graph of the operators' console: every state drawn, every transition drawn (Next,
Choice branches, Default, Catch, End), loops routed without pushing layers down, and an execution's
path marked (visited, current, failed, caught, transitions taken)."""

from __future__ import annotations

import re
from typing import Any

from local.asl_graph import END, START, Path, condition_text, graph_of, path_of, render_svg

DEFINITION: dict[str, Any] = {
    "StartAt": "Check",
    "States": {
        "Check": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Route",
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}]},
        "Route": {"Type": "Choice", "Default": "Audit",
                  "Choices": [{"Variable": "$.route", "StringEquals": "SIMPLIFIED", "Next": "Desk"}]},
        "Audit": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "Next": "Again"},
        "Desk": {"Type": "Pass", "Next": "Done"},
        "Again": {"Type": "Choice", "Default": "Done",
                  "Choices": [{"Variable": "$.retry", "BooleanEquals": True, "Next": "Audit"}]},
        "Both": {"Type": "Parallel", "Branches": [{}, {}], "End": True},
        "Failed": {"Type": "Fail", "Error": "CaseFailed"},
        "Done": {"Type": "Succeed"},
    },
}


def _event(kind: str, name: str | None = None) -> dict[str, Any]:
    return {"type": kind, "details": {"name": name} if name else {}}


def test_every_state_and_transition_is_in_the_graph() -> None:
    # Given a definition with Next, Choice, Default, Catch, End, a loop and an unreachable Parallel
    graph = graph_of(DEFINITION)
    # When looking at its nodes and edges
    edges = {(e.source, e.target, e.kind) for e in graph.edges}
    # Then every state is a node, and each kind of transition is an edge
    assert set(DEFINITION["States"]) | {START, END} == set(graph.nodes)
    assert {(START, "Check", "start"), ("Check", "Route", "next"), ("Route", "Desk", "choice"),
            ("Route", "Audit", "default"), ("Check", "Failed", "catch"), ("Failed", END, "end"),
            ("Done", END, "end"), ("Both", END, "end"), ("Again", "Audit", "choice")} <= edges
    # And the loop back to Audit is a back edge, so Audit stays above Again
    assert ("Again", "Audit") in graph.back_edges
    assert graph.nodes["Audit"].layer < graph.nodes["Again"].layer
    assert graph.nodes[END].layer == max(n.layer for n in graph.nodes.values())


def test_svg_draws_each_state_and_edge() -> None:
    # When drawing without an execution
    svg = render_svg(DEFINITION)
    # Then each state is a group with its name, each edge a path, with the Choice labels
    for name in DEFINITION["States"]:
        assert f'data-state="{name}"' in svg
    assert len(re.findall(r'<g class="edge [^"]*" data-source=', svg)) == len(graph_of(DEFINITION).edges)
    assert '$.route == &quot;SIMPLIFIED&quot;' in svg
    assert "Catch States.ALL" in svg
    assert "<script" not in svg


def test_execution_path_marks_visited_current_and_taken_transitions() -> None:
    # Given a history that passed Check and Route and waits in Audit
    history = [_event("ExecutionStarted"), _event("TaskStateEntered", "Check"), _event("TaskStateExited", "Check"),
               _event("ChoiceStateEntered", "Route"), _event("ChoiceStateExited", "Route"),
               _event("TaskStateEntered", "Audit"), _event("TaskScheduled")]
    # When computing its path and drawing it
    path = path_of(history, "RUNNING", set(DEFINITION["States"]))
    svg = render_svg(DEFINITION, path)
    # Then visited and current are set, and the transitions taken are marked
    assert path.visited == {"Check", "Route", "Audit"}
    assert path.current == {"Audit"}
    assert path.transitions == {(START, "Check"), ("Check", "Route"), ("Route", "Audit")}
    assert 'class="state task visited current" data-state="Audit"' in svg
    assert 'class="state choice visited" data-state="Route"' in svg
    assert 'class="state pass" data-state="Desk"' in svg
    assert 'class="edge default taken" data-source="Route" data-target="Audit"' in svg


def test_failed_and_caught_states() -> None:
    # Given a history where Check failed, was caught, and the Fail state ended the execution
    history = [_event("TaskStateEntered", "Check"), _event("TaskFailed"), _event("TaskStateExited", "Check"),
               _event("FailStateEntered", "Failed"), _event("ExecutionFailed")]
    # When computing its path
    path = path_of(history, "FAILED", set(DEFINITION["States"]))
    svg = render_svg(DEFINITION, path)
    # Then Check is caught (an error handled), Failed is where it failed, nothing is current
    assert path.caught == {"Check"}
    assert path.failed == {"Failed"}
    assert path.current == frozenset()
    assert 'class="state fail visited failed" data-state="Failed"' in svg
    assert 'class="edge catch taken"' in svg


def test_states_inside_a_parallel_are_not_tracked_at_the_top() -> None:
    # Given a history entering a branch state named like nothing at the top level
    history = [_event("ParallelStateEntered", "Both"), _event("PassStateEntered", "Inner"),
               _event("PassStateExited", "Inner"), _event("ParallelStateExited", "Both")]
    # When computing the path
    path = path_of(history, "SUCCEEDED", set(DEFINITION["States"]))
    # Then only the Parallel box is visited, and it reached the end
    assert path.visited == {"Both"}
    assert ("Both", END) in path.transitions
    assert path == Path(frozenset({"Both"}), frozenset(), frozenset(), frozenset(),
                        frozenset({(START, "Both"), ("Both", END)}), "SUCCEEDED")


def test_condition_text() -> None:
    # Given Choice rules of several shapes
    # When summarised
    # Then each reads as a short expression
    assert condition_text({"Variable": "$.score", "NumericGreaterThanEquals": 95}) == "$.score ≥ 95"
    assert condition_text({"Variable": "$.x", "IsPresent": False}) == "$.x absent"
    assert condition_text({"Not": {"Variable": "$.a", "StringEqualsPath": "$.b"}}) == "not ($.a == $.b)"
    assert condition_text({"And": [{"Variable": "$.a", "BooleanEquals": True},
                                   {"Variable": "$.n", "NumericLessThan": 3}]}) == "$.a == True and $.n < 3"
