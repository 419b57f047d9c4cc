"""The operators' console as HTML: the executions list (filters by status and state machine, what each
running execution waits for and until when) and an execution's page (its state machine drawn as
SVG with the path taken, beside the history timeline). No JavaScript, no external assets."""

from __future__ import annotations

import html
import json
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from local.asl_graph import path_of, render_svg
from local.executions import STATUSES

_STYLE = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
header{background:#12263a;color:#fff;padding:.8rem 2rem;display:flex;gap:1.5rem;align-items:baseline}
header a{color:#cfe3ff} header h1{font-size:1.15rem;margin:0}
main{padding:1.2rem 2rem}
h2{font-size:1rem;margin:1.2rem 0 .5rem}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #e4e7ec}
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #eaecf0;vertical-align:top;font-size:.88rem}
th{background:#f2f4f7;font-weight:600;color:#344054}
pre{background:#f7f7f7;padding:.6rem;overflow:auto;margin:.3rem 0 0;font-size:.78rem;max-height:22rem}
a{color:#0b5cad} .muted{color:#667085;font-size:.82rem} code{font-size:.82rem}
.badge{display:inline-block;padding:.08rem .5rem;border-radius:999px;font-size:.76rem;font-weight:600}
.RUNNING{background:#e7f0fb;color:#0b5cad} .SUCCEEDED{background:#e8f5ec;color:#1a7f37}
.FAILED,.TIMED_OUT{background:#fdecea;color:#b42318} .ABORTED{background:#f2f4f7;color:#475467}
.PENDING_REDRIVE{background:#fff4e5;color:#b54708}
.filters{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.4rem 0}
.filters a{padding:.2rem .6rem;border:1px solid #d0d5dd;border-radius:6px;text-decoration:none;background:#fff;
 font-size:.82rem;color:#344054} .filters a.on{background:#12263a;color:#fff;border-color:#12263a}
.wait{font-weight:600} .deadline{color:#475467} .overdue{color:#b42318;font-weight:700}
.overdue-row td{background:#fff6f5}
.layout{display:grid;grid-template-columns:minmax(0,1.5fr) minmax(0,1fr);gap:1.2rem;align-items:start}
.card{background:#fff;border:1px solid #e4e7ec;border-radius:8px;padding:1rem}
.graph{overflow:auto;max-height:80vh} .graph svg{max-width:100%;height:auto}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;font-size:.88rem;margin:0}
.facts dt{color:#667085}
.banner{border-radius:8px;padding:.7rem 1rem;margin:.8rem 0;font-size:.9rem}
.banner.waiting{background:#e7f0fb;border:1px solid #b2ccef} .banner.error{background:#fdecea;border:1px solid #f4b4ae}
.banner.late{background:#fdecea;border:1px solid #f4b4ae}
ol.timeline{list-style:none;margin:0;padding:0;max-height:80vh;overflow:auto}
ol.timeline li{border-left:3px solid #d0d5dd;padding:.3rem .6rem .4rem .8rem;margin-left:.3rem;font-size:.84rem}
ol.timeline li.enter{border-left-color:#1a7f37} ol.timeline li.fail{border-left-color:#b42318;background:#fdecea}
ol.timeline li.done{border-left-color:#12263a}
.t{color:#667085;font-variant-numeric:tabular-nums;display:inline-block;min-width:5.5rem}
.ev{font-weight:600} .st{color:#0b5cad} .cause{color:#b42318;display:block;margin-top:.15rem;white-space:pre-wrap}
details summary{cursor:pointer;color:#475467;font-size:.78rem}
.legend{display:flex;gap:1rem;font-size:.78rem;color:#475467;margin-top:.5rem;flex-wrap:wrap}
.legend i{display:inline-block;width:.9rem;height:.9rem;border-radius:3px;vertical-align:-2px;margin-right:.3rem;
 border:1.5px solid}
"""


def _page(title: str, body: str, refresh: bool) -> str:
    meta = '<meta http-equiv="refresh" content="5">' if refresh else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">{meta}<title>{html.escape(title)}</title>'
            f'<style>{_STYLE}</style></head><body><header><h1>Operators\' console</h1>'
            f'<a href="/_local/executions">Executions</a><a href="/">Local runtime</a></header>'
            f"<main>{body}</main></body></html>")


def _badge(status: str) -> str:
    return f'<span class="badge {html.escape(status)}">{html.escape(status)}</span>'


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min {secs} s"


def _when(iso: str | None) -> str:
    return html.escape((iso or "").replace("T", " ").removesuffix("Z")[:19] + (" UTC" if iso else ""))


def _execution_href(arn: str) -> str:
    return "/_local/executions/" + quote(arn, safe=":")


def _waiting_cell(item: dict[str, Any]) -> str:
    waiting = item.get("waiting_for")
    if not waiting:
        current = item.get("current_states") or []
        return html.escape(", ".join(current)) if current else ""
    text = f'<span class="wait">{html.escape(waiting["state"])}</span>'
    if waiting.get("deadline"):
        klass = "overdue" if waiting.get("overdue") else "deadline"
        late = " · OVERDUE" if waiting.get("overdue") else ""
        text += (f'<br><span class="{klass}">{html.escape(str(waiting["deadline_field"]))} '
                 f'{html.escape(str(waiting["deadline"]))}{late}</span>')
    return text


def list_html(items: list[dict[str, Any]], machines: list[dict[str, Any]], status: str | None,
              state_machine: str | None, counts: dict[str, int]) -> str:
    def link(label: str, **query: str | None) -> str:
        params = {"status": status, "state_machine": state_machine} | query
        href = "/_local/executions" + (("?" + urlencode({k: v for k, v in params.items() if v})) if any(
            params.values()) else "")
        on = all(params.get(k) == (status if k == "status" else state_machine) for k in query)
        return f'<a class="{"on" if on else ""}" href="{html.escape(href)}">{html.escape(label)}</a>'

    status_links = link(f"All ({sum(counts.values())})", status=None) + "".join(
        link(f"{s} ({counts.get(s, 0)})", status=s) for s in STATUSES if counts.get(s) or s == status)
    machine_links = link("All state machines", state_machine=None) + "".join(
        link(m["name"], state_machine=m["name"]) for m in machines)
    rows = "".join(
        f'<tr class="{"overdue-row" if (e.get("waiting_for") or {}).get("overdue") else ""}">'
        f'<td><a href="{html.escape(_execution_href(e["execution_arn"]))}">{html.escape(e["name"])}</a></td>'
        f'<td>{_badge(e["status"])}</td><td>{html.escape(e["state_machine"])}</td>'
        f'<td>{html.escape(str(e.get("case_id") or e.get("cycle") or ""))}'
        f'{"<br><span class=muted>" + html.escape(e["kind"]) + "</span>" if e.get("kind") else ""}</td>'
        f'<td><code>{html.escape(str(e.get("uscc") or ""))}</code></td>'
        f'<td>{_when(e["start_date"])}</td><td>{duration_text(e.get("duration_seconds"))}</td>'
        f"<td>{_waiting_cell(e)}</td></tr>"
        for e in items)
    table = ("<table><tr><th>Execution</th><th>Status</th><th>State machine</th><th>Case</th><th>Enterprise</th>"
             f"<th>Started</th><th>Running for / ran</th><th>Waiting for</th></tr>{rows}</table>"
             if items else "<p>No executions match.</p>")
    overdue = sum(1 for e in items if (e.get("waiting_for") or {}).get("overdue"))
    late = f'<div class="banner late">{overdue} execution(s) wait past their deadline.</div>' if overdue else ""
    machine_names = ", ".join(m["name"] for m in machines) or "none"
    json_query = urlencode({k: v for k, v in (("status", status), ("state_machine", state_machine),
                                               ("format", "json")) if v})
    body = (f'<p class=muted>Refreshes every 5 s · <a href="?{html.escape(json_query)}">JSON</a>'
            f" · state machines: {html.escape(machine_names)}</p>"
            f'<div class="filters"><span class=muted>Status</span>{status_links}</div>'
            f'<div class="filters"><span class=muted>State machine</span>{machine_links}</div>{late}{table}')
    return _page("Executions", body, refresh=True)


def _relative(timestamp: str | None, start: str | None) -> str:
    try:
        delta = (datetime.fromisoformat(str(timestamp).replace("Z", "+00:00"))
                 - datetime.fromisoformat(str(start).replace("Z", "+00:00"))).total_seconds()
    except ValueError:
        return ""
    return f"+{duration_text(delta)}"


def _cause_text(cause: Any) -> str:
    """A Lambda error's cause is its JSON error object: show its message (the stack is in details)."""
    try:
        parsed = json.loads(str(cause))
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and "errorMessage" in parsed:
        return str(parsed["errorMessage"])
    text = str(cause)
    return text if len(text) <= 300 else text[:299] + "…"


def _timeline(detail: dict[str, Any]) -> str:
    items = []
    origin = detail["history"][0]["timestamp"] if detail["history"] else detail["start_date"]
    state = ""
    for event in detail["history"]:
        kind = str(event["type"] or "")
        details = event["details"] or {}
        state = details.get("name") or state
        failing = kind.endswith(("Failed", "TimedOut", "Aborted"))
        klass = "fail" if failing else ("enter" if kind.endswith("StateEntered") else (
            "done" if kind.startswith("Execution") else ""))
        cause = ""
        if failing and (details.get("error") or details.get("cause")):
            cause = (f'<span class="cause">{html.escape(str(details.get("error") or ""))}'
                     f'{": " + html.escape(_cause_text(details.get("cause"))) if details.get("cause") else ""}</span>')
        extra = ("<details><summary>details</summary><pre>"
                 + html.escape(json.dumps(details, indent=2, ensure_ascii=False, default=str)) + "</pre></details>"
                 if details else "")
        items.append(f'<li class="{klass}"><span class="t">{_relative(event["timestamp"], origin)}</span>'
                     f'<span class="ev">{html.escape(kind)}</span> '
                     f'<span class="st">{html.escape(state) if state else ""}</span>{cause}{extra}</li>')
    return f'<ol class="timeline">{"".join(items)}</ol>'


def detail_html(detail: dict[str, Any]) -> str:
    definition = detail.get("definition") or {}
    path = path_of(detail["history"], detail["status"], set(definition.get("States", {})))
    svg = render_svg(definition, path) if definition else "<p>No definition.</p>"
    waiting = detail.get("waiting_for")
    banners = ""
    if waiting:
        deadline = ""
        if waiting.get("deadline"):
            klass = "overdue" if waiting.get("overdue") else "deadline"
            deadline = (f' · <span class="{klass}">{html.escape(str(waiting["deadline_field"]))} '
                        f'{html.escape(str(waiting["deadline"]))}{" — OVERDUE" if waiting.get("overdue") else ""}'
                        "</span>")
        banners += (f'<div class="banner {"late" if waiting.get("overdue") else "waiting"}">Waiting for the officer '
                    f'action <b>{html.escape(waiting["state"])}</b> since {_when(waiting.get("since"))}{deadline}. '
                    '<span class=muted>It resumes on SendTaskSuccess / SendTaskFailure with its task token.</span>'
                    "</div>")
    if detail.get("error") or detail.get("cause"):
        banners += (f'<div class="banner error"><b>{html.escape(str(detail.get("error") or ""))}</b> '
                    f'{html.escape(str(detail.get("cause") or ""))}</div>')
    facts = [("Status", _badge(detail["status"])), ("State machine", html.escape(detail["state_machine"] or "")),
             ("Case", html.escape(str(detail.get("case_id") or detail.get("cycle") or "—"))),
             ("Enterprise", f'<code>{html.escape(str(detail.get("uscc") or "—"))}</code>'),
             ("Started", _when(detail["start_date"])),
             ("Stopped" if detail["stop_date"] else "Running for",
              _when(detail["stop_date"]) if detail["stop_date"] else duration_text(detail.get("duration_seconds"))),
             ("Current state", html.escape(", ".join(detail.get("current_states") or []) or "—"))]
    facts_html = "".join(f"<dt>{k}</dt><dd style='margin:0'>{v}</dd>" for k, v in facts)
    legend = ('<div class="legend"><span><i style="background:#e8f5ec;border-color:#1a7f37"></i>visited</span>'
              '<span><i style="background:#e7f0fb;border-color:#0b5cad"></i>current</span>'
              '<span><i style="background:#fdecea;border-color:#b42318"></i>failed / stopped here</span>'
              '<span><i style="background:#fff4e5;border-color:#b54708"></i>error retried or caught</span>'
              '<span><i style="background:#fff;border-color:#d92d20;border-style:dashed"></i>Catch</span></div>')
    body = (f'<p class=muted><a href="/_local/executions">← all executions</a> · '
            f'<a href="?format=json">JSON</a> · <code>{html.escape(detail["execution_arn"])}</code></p>'
            f'<h2 style="font-size:1.25rem">{html.escape(detail["name"] or "")}</h2>'
            f'<dl class="facts">{facts_html}</dl>{banners}'
            f'<div class="layout"><section class="card"><h2 style="margin-top:0">State machine</h2>'
            f'<div class="graph">{svg}</div>{legend}</section>'
            f'<section class="card"><h2 style="margin-top:0">History ({len(detail["history"])} events)</h2>'
            f"{_timeline(detail)}</section></div>"
            f"<details><summary>Input</summary><pre>{_pretty(detail['input'])}</pre></details>"
            f"<details><summary>Output</summary><pre>{_pretty(detail['output'])}</pre></details>")
    return _page(detail["name"] or "Execution", body, refresh=detail["status"] == "RUNNING")


def _pretty(value: Any) -> str:
    return html.escape(json.dumps(value, indent=2, ensure_ascii=False, default=str))
