"""A state machine drawn as SVG from its Amazon States Language definition, with an execution's path
on it: no JavaScript, no external assets, so the operators' page works offline in any browser.

Layout: states are placed in layers by their longest distance from `Start` along forward
transitions (back edges, i.e. loops, found by a depth-first walk, do not push layers down), ordered
within a layer by the mean position of their predecessors, and joined by curves: `Next` and
`Choice` branches solid, `Default` solid with its label, `Catch` dashed red, loops routed around the
right side. Parallel and Map states are one box naming their branches or iterator.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

START = "__start__"
END = "__end__"

NODE_W = 190
NODE_H = 42
LAYER_GAP = 52
COLUMN_GAP = 34
MARGIN = 24
LOOP_LANE = 26


@dataclass
class Edge:
    source: str
    target: str
    kind: str  # next | choice | default | catch | end | start
    label: str = ""


@dataclass
class Node:
    name: str
    type: str  # an ASL state type, or Start/End
    detail: str = ""
    layer: int = 0
    x: float = 0.0
    y: float = 0.0


@dataclass
class Graph:
    nodes: dict[str, Node]
    edges: list[Edge]
    width: float = 0.0
    height: float = 0.0
    back_edges: set[tuple[str, str]] = field(default_factory=set)


@dataclass(frozen=True)
class Path:
    """What an execution did on the graph, from its history."""

    visited: frozenset[str] = frozenset()
    current: frozenset[str] = frozenset()
    failed: frozenset[str] = frozenset()
    caught: frozenset[str] = frozenset()
    transitions: frozenset[tuple[str, str]] = frozenset()
    finished: str | None = None  # SUCCEEDED, FAILED, ... once the execution has stopped


def graph_of(definition: dict[str, Any]) -> Graph:
    """The states and transitions of a definition (top level; Parallel/Map are single nodes)."""
    states: dict[str, Any] = definition.get("States", {}) or {}
    nodes = {START: Node(START, "Start"), END: Node(END, "End")}
    edges: list[Edge] = []
    start_at = definition.get("StartAt")
    if start_at in states:
        edges.append(Edge(START, start_at, "start"))
    for name, state in states.items():
        state_type = str(state.get("Type", "?"))
        nodes[name] = Node(name, state_type, _detail(state))
        edges.extend(_transitions(name, state, states))
    graph = Graph(nodes, edges)
    _layout(graph)
    return graph


def _detail(state: dict[str, Any]) -> str:
    state_type = state.get("Type")
    if state_type == "Task":
        resource = str(state.get("Resource", ""))
        service = resource.split(":::", 1)[1] if ":::" in resource else resource.rsplit(":", 1)[-1]
        return ("callback · " if resource.endswith(".waitForTaskToken") else "") + service.removesuffix(
            ".waitForTaskToken")
    if state_type == "Parallel":
        return f"{len(state.get('Branches', []))} branches"
    if state_type == "Map":
        inner = state.get("ItemProcessor") or state.get("Iterator") or {}
        return f"each item: {inner.get('StartAt', '?')}"
    if state_type == "Wait":
        for key in ("Seconds", "SecondsPath", "Timestamp", "TimestampPath"):
            if key in state:
                return f"{key} {state[key]}"
    if state_type == "Fail":
        return str(state.get("Error", state.get("ErrorPath", "")))
    return ""


def _transitions(name: str, state: dict[str, Any], states: dict[str, Any]) -> list[Edge]:
    edges: list[Edge] = []
    state_type = state.get("Type")
    if state_type == "Choice":
        for rule in state.get("Choices", []):
            if rule.get("Next") in states:
                edges.append(Edge(name, rule["Next"], "choice", condition_text(rule)))
        if state.get("Default") in states:
            edges.append(Edge(name, state["Default"], "default", "Default"))
    elif state.get("Next") in states:
        edges.append(Edge(name, state["Next"], "next"))
    if state.get("End") is True or state_type in {"Succeed", "Fail"}:
        edges.append(Edge(name, END, "end"))
    for catcher in state.get("Catch", []):
        if catcher.get("Next") in states:
            errors = catcher.get("ErrorEquals", [])
            edges.append(Edge(name, catcher["Next"], "catch", "Catch " + ", ".join(map(str, errors))))
    return edges


_OPERATORS = {"Equals": "==", "GreaterThan": ">", "GreaterThanEquals": "≥", "LessThan": "<",
              "LessThanEquals": "≤", "Matches": "~"}


def condition_text(rule: dict[str, Any]) -> str:
    """A Choice rule in a few characters: `$.route == "STANDARD"`, `not(...)`, `a and b`."""
    if "Condition" in rule:  # JSONata
        return str(rule["Condition"]).strip("{%} ")
    if "And" in rule:
        return " and ".join(condition_text(r) for r in rule["And"])
    if "Or" in rule:
        return " or ".join(condition_text(r) for r in rule["Or"])
    if "Not" in rule:
        return f"not ({condition_text(rule['Not'])})"
    variable = str(rule.get("Variable", "?"))
    for key, value in rule.items():
        if key in {"Variable", "Next", "Comment"}:
            continue
        if key == "IsPresent":
            return f"{variable} {'present' if value else 'absent'}"
        if key.startswith("Is"):
            return f"{variable} {'is' if value else 'is not'} {key[2:].lower()}"
        path = key.endswith("Path")
        operator = next((_OPERATORS[suffix] for suffix in sorted(_OPERATORS, key=len, reverse=True)
                         if key.removesuffix("Path").endswith(suffix)), key)
        shown = value if path else (f'"{value}"' if isinstance(value, str) else value)
        return f"{variable} {operator} {shown}"
    return variable


def _layout(graph: Graph) -> None:
    forward: dict[str, list[str]] = {name: [] for name in graph.nodes}
    for edge in graph.edges:
        forward[edge.source].append(edge.target)
    graph.back_edges = _back_edges(forward)
    predecessors: dict[str, list[str]] = {name: [] for name in graph.nodes}
    for edge in graph.edges:
        if (edge.source, edge.target) not in graph.back_edges:
            predecessors[edge.target].append(edge.source)
    order = _topological(graph.nodes, predecessors)
    for name in order:
        graph.nodes[name].layer = max((graph.nodes[p].layer + 1 for p in predecessors[name]), default=0)
    unreachable = [n for n in graph.nodes.values() if n.name != START and not predecessors[n.name]]
    for node in unreachable:  # states nothing leads to still appear, on the first row under Start
        node.layer = max(node.layer, 1)
    last = max(n.layer for n in graph.nodes.values() if n.name != END)
    graph.nodes[END].layer = last + 1
    layers: dict[int, list[str]] = {}
    for name in order:
        layers.setdefault(graph.nodes[name].layer, []).append(name)
    position: dict[str, float] = {}
    widest = max(len(names) for names in layers.values())
    graph.width = 2 * MARGIN + widest * NODE_W + (widest - 1) * COLUMN_GAP + LOOP_LANE * (len(graph.back_edges) + 1)
    content_width = 2 * MARGIN + widest * NODE_W + (widest - 1) * COLUMN_GAP
    catch_lanes = sum(1 for e in graph.edges if e.kind == "catch" and (e.source, e.target) not in graph.back_edges)
    left_lanes = LOOP_LANE * catch_lanes  # Catch edges run down the left side, clear of the states
    graph.width += left_lanes
    for layer in sorted(layers):
        names = layers[layer]
        names.sort(key=lambda n: _barycentre(n, predecessors, position))
        row_width = len(names) * NODE_W + (len(names) - 1) * COLUMN_GAP
        left = left_lanes + (content_width - row_width) / 2
        for index, name in enumerate(names):
            node = graph.nodes[name]
            node.x = left + index * (NODE_W + COLUMN_GAP)
            node.y = MARGIN + layer * (NODE_H + LAYER_GAP)
            position[name] = node.x
    graph.height = MARGIN * 2 + (max(layers) + 1) * NODE_H + max(layers) * LAYER_GAP


def _barycentre(name: str, predecessors: dict[str, list[str]], position: dict[str, float]) -> float:
    placed = [position[p] for p in predecessors[name] if p in position]
    return sum(placed) / len(placed) if placed else 0.0


def _back_edges(forward: dict[str, list[str]]) -> set[tuple[str, str]]:
    """Edges that close a loop, found by an iterative depth-first walk from Start."""
    back: set[tuple[str, str]] = set()
    colour: dict[str, int] = {}  # 1 on the stack, 2 done
    roots = [START] + [n for n in forward if n != START]
    for root in roots:
        if root in colour:
            continue
        stack = [(root, iter(forward[root]))]
        colour[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[node] = 2
                stack.pop()
            elif colour.get(child) == 1:
                back.add((node, child))
            elif child not in colour:
                colour[child] = 1
                stack.append((child, iter(forward[child])))
    return back


def _topological(nodes: dict[str, Node], predecessors: dict[str, list[str]]) -> list[str]:
    remaining = {name: len(set(preds)) for name, preds in predecessors.items()}
    successors: dict[str, set[str]] = {name: set() for name in nodes}
    for name, preds in predecessors.items():
        for p in preds:
            successors[p].add(name)
    ready = [name for name in nodes if remaining[name] == 0]
    order: list[str] = []
    while ready:
        name = ready.pop(0)
        order.append(name)
        for child in sorted(successors[name], key=list(nodes).index):
            remaining[child] -= 1
            if remaining[child] == 0:
                ready.append(child)
    return order


# --- the execution's path --------------------------------------------------------------------

def path_of(history: list[dict[str, Any]], status: str, states: set[str] | None = None) -> Path:
    """Visited, current, failed and caught states and the transitions taken, from the history events
    as `ExecutionsView` shapes them (`type`, `details`). Only `states` (the top level) are tracked:
    the states inside a Parallel branch or a Map iteration are drawn as their parent's box."""
    visited: set[str] = set()
    open_states: list[str] = []
    caught: set[str] = set()
    transitions: set[tuple[str, str]] = set()
    last_exited: str | None = START
    for event in history:
        kind = str(event.get("type") or "")
        name = str((event.get("details") or {}).get("name") or "")
        tracked = bool(name) and (states is None or name in states)
        if kind.endswith("StateEntered") and tracked:
            visited.add(name)
            open_states.append(name)
            if last_exited is not None:
                transitions.add((last_exited, name))
            last_exited = None
        elif kind.endswith("StateExited") and tracked and name in open_states:
            open_states.remove(name)
            last_exited = name
        elif kind.endswith(("Failed", "TimedOut")) and open_states and not kind.startswith("Execution"):
            caught.add(open_states[-1])  # an error inside the state; retried or caught if it moved on
    failed = set(open_states) if status in {"FAILED", "TIMED_OUT", "ABORTED"} else set()
    current = set(open_states) if status == "RUNNING" else set()
    if status == "SUCCEEDED":
        transitions |= {(n, END) for n in {*open_states, *([last_exited] if last_exited else [])}}
    return Path(frozenset(visited), frozenset(current), frozenset(failed), frozenset(caught - failed),
                frozenset(transitions), None if status == "RUNNING" else status)


# --- SVG ---------------------------------------------------------------------------------------

_CSS = """
.state rect{fill:#fff;stroke:#9aa4b2;stroke-width:1.2}
.state text{font:13px system-ui,-apple-system,Segoe UI,Roboto,sans-serif;fill:#1b1b1b}
.state text.kind{font-size:10.5px;fill:#667085}
.state.visited rect{fill:#e8f5ec;stroke:#1a7f37}
.state.caught rect{fill:#fff4e5;stroke:#b54708}
.state.current rect{fill:#e7f0fb;stroke:#0b5cad;stroke-width:3}
.state.failed rect{fill:#fdecea;stroke:#b42318;stroke-width:3}
.terminal circle{fill:#fff;stroke:#667085;stroke-width:1.5}
.terminal.visited circle{fill:#1a7f37;stroke:#1a7f37}
.terminal text{font:11px system-ui,sans-serif;fill:#667085}
.edge path{fill:none;stroke:#98a2b3;stroke-width:1.3}
.edge.catch path{stroke:#d92d20;stroke-dasharray:5 4}
.edge.taken path{stroke:#1a7f37;stroke-width:2.4}
.edge text{font:10.5px system-ui,sans-serif;fill:#475467}
.edge.catch text{fill:#b42318}
"""


def render_svg(definition: dict[str, Any], path: Path | None = None) -> str:
    graph = graph_of(definition)
    path = path or Path()
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="asl-graph" width="{graph.width:.0f}" '
             f'height="{graph.height:.0f}" viewBox="0 0 {graph.width:.0f} {graph.height:.0f}" role="img" '
             f'aria-label="state machine graph"><style>{_CSS}</style>'
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#98a2b3"/></marker>'
             '<marker id="arrow-taken" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1a7f37"/></marker>'
             '<marker id="arrow-catch" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#d92d20"/></marker></defs>']
    loop_lane = catch_lane = 0
    labels: list[str] = []
    for edge in graph.edges:
        back = (edge.source, edge.target) in graph.back_edges
        if back:
            loop_lane += 1
        elif edge.kind == "catch":
            catch_lane += 1
        parts.append(_edge_svg(graph, edge, path, back, loop_lane if back else catch_lane, labels))
    parts.extend(labels)  # labels over every line
    for node in graph.nodes.values():
        parts.append(_node_svg(node, path))
    parts.append("</svg>")
    return "".join(parts)


def _edge_svg(graph: Graph, edge: Edge, path: Path, back: bool, lane: int, labels: list[str]) -> str:
    source, target = graph.nodes[edge.source], graph.nodes[edge.target]
    taken = (edge.source, edge.target) in path.transitions
    classes = " ".join(["edge", edge.kind] + (["taken"] if taken else []))
    marker = "arrow-taken" if taken else ("arrow-catch" if edge.kind == "catch" else "arrow")
    sx, sy = _anchor(source, bottom=True)
    tx, ty = _anchor(target, bottom=False)
    if back:
        lane_x = graph.width - MARGIN / 2 - lane * LOOP_LANE + LOOP_LANE
        sx, sy = source.x + _width(source), source.y + _height(source) / 2
        tx, ty = target.x + _width(target), target.y + _height(target) / 2
        d = f"M{sx:.1f},{sy:.1f} H{lane_x:.1f} V{ty:.1f} H{tx + 2:.1f}"
        label_x, label_y = lane_x - 4, (sy + ty) / 2
        anchor = "end"
    elif edge.kind == "catch":
        lane_x = MARGIN / 2 + (lane - 1) * LOOP_LANE
        sx, sy = source.x, source.y + _height(source) / 2
        tx, ty = target.x, target.y + _height(target) / 2
        d = f"M{sx:.1f},{sy:.1f} H{lane_x:.1f} V{ty:.1f} H{tx - 2:.1f}"
        label_x, label_y = sx - 4, sy - 5
        anchor = "end"
    else:
        bend = max(24.0, (ty - sy) / 2)
        d = f"M{sx:.1f},{sy:.1f} C{sx:.1f},{sy + bend:.1f} {tx:.1f},{ty - bend:.1f} {tx:.1f},{ty - 2:.1f}"
        label_x, label_y = (sx + tx) / 2 + (6 if tx >= sx else -6), (sy + ty) / 2
        anchor = "start" if tx >= sx else "end"
    title = f"{edge.source} → {edge.target}" + (f" ({edge.label})" if edge.label else "")
    if edge.label:
        text = _short(edge.label, 34)
        labels.append(f'<g class="{classes}"><text x="{label_x:.1f}" y="{label_y:.1f}" text-anchor="{anchor}" '
                      f'paint-order="stroke" stroke="#fff" stroke-width="3">'
                      f"<title>{html.escape(title)}</title>{html.escape(text)}</text></g>")
    return (f'<g class="{classes}" data-source="{html.escape(edge.source)}" data-target="{html.escape(edge.target)}">'
            f'<title>{html.escape(title)}</title><path d="{d}" marker-end="url(#{marker})"/></g>')


def _width(node: Node) -> float:
    return 28.0 if node.name in {START, END} else NODE_W


def _height(node: Node) -> float:
    return 28.0 if node.name in {START, END} else NODE_H


def _anchor(node: Node, bottom: bool) -> tuple[float, float]:
    if node.name in {START, END}:
        cx, cy = node.x + NODE_W / 2, node.y + NODE_H / 2
        return cx, cy + (14 if bottom else -14)
    return node.x + NODE_W / 2, node.y + (NODE_H if bottom else 0)


def _node_svg(node: Node, path: Path) -> str:
    if node.name in {START, END}:
        cx, cy = node.x + NODE_W / 2, node.y + NODE_H / 2
        reached = bool(path.visited) if node.name == START else path.finished == "SUCCEEDED"
        label = "Start" if node.name == START else "End"
        terminal = "terminal" + (" visited" if reached else "")
        return (f'<g class="{terminal}" data-state="{label}"><circle cx="{cx:.1f}" cy="{cy:.1f}" r="13"/>'
                f'<text x="{cx + 20:.1f}" y="{cy + 4:.1f}">{label}</text></g>')
    classes = ["state", node.type.lower()]
    for flag, states in (("visited", path.visited), ("caught", path.caught), ("current", path.current),
                         ("failed", path.failed)):
        if node.name in states:
            classes.append(flag)
    rx = 20 if node.type in {"Succeed", "Fail"} else (4 if node.type in {"Parallel", "Map"} else 8)
    kind = node.type + (f" · {node.detail}" if node.detail else "")
    marker = ""
    if node.name in path.current:
        marker = "▶ "
    elif node.name in path.failed:
        marker = "✖ "
    title = f"{node.name}\n{kind}"
    double = ""
    if node.type in {"Parallel", "Map"}:
        double = (f'<rect x="{node.x + 4:.1f}" y="{node.y + 4:.1f}" width="{NODE_W:.0f}" height="{NODE_H:.0f}" '
                  f'rx="{rx}" opacity="0.5"/>')
    return (f'<g class="{" ".join(classes)}" data-state="{html.escape(node.name)}"><title>{html.escape(title)}</title>'
            f'{double}<rect x="{node.x:.1f}" y="{node.y:.1f}" width="{NODE_W}" height="{NODE_H}" rx="{rx}"/>'
            f'<text x="{node.x + NODE_W / 2:.1f}" y="{node.y + 18:.1f}" text-anchor="middle">'
            f"{html.escape(marker + _short(node.name, 24))}</text>"
            f'<text class="kind" x="{node.x + NODE_W / 2:.1f}" y="{node.y + 33:.1f}" text-anchor="middle">'
            f"{html.escape(_short(kind, 32))}</text></g>")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
