"""What `make local` prints once the system is up: where everything is and how to get a token."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from local.runtime import Runtime


COVERED_BY_RUNTIME = {
    "AWS::ApiGateway::GatewayResponse": "gateway responses",
    "AWS::ApiGateway::Authorizer": "the Cognito authorizer",
    "AWS::ApiGateway::Stage": "the API stage",
    "AWS::Cognito::UserPool": "Cognito tokens (/_local/token)",
    "AWS::Cognito::UserPoolClient": "Cognito tokens (/_local/token)",
    "AWS::Cognito::UserPoolResourceServer": "Cognito tokens (/_local/token)",
    "AWS::Cognito::UserPoolDomain": "Cognito tokens (/_local/token)",
    "AWS::Lambda::EventInvokeConfig": "Lambda async retries and DLQs",
    "AWS::Pipes::Pipe": "stream pipes (outbox, audit archive)",
}
"""Resource types moto's CloudFormation skips but the runtime itself reads from the template."""


def banner(runtime: Runtime) -> str:
    options = runtime.options
    api = f"http://{options.host}:{runtime.http.port}"
    emulator = runtime.emulator.endpoint
    clients = runtime.services.clients.all() if runtime.services.clients else []
    width = max((len(c.client_id) for c in clients), default=10)
    client_lines = "\n".join(
        f"    {c.client_id:<{width}}  {c.client_secret:<{width + 7}}  {' '.join(c.scopes)}"
        + (f"  uscc={c.uscc}" if c.uscc else "")
        for c in clients)
    schedules = runtime.scheduler.entries() if runtime.scheduler else []
    schedule_line = ", ".join(e.name for e in schedules) or "none in the template"
    covered = [t for t in runtime.not_emulated if t in COVERED_BY_RUNTIME]
    skipped = ", ".join(t for t in runtime.not_emulated if t not in COVERED_BY_RUNTIME) or "none"
    covered_line = ", ".join(sorted({COVERED_BY_RUNTIME[t] for t in covered})) or "-"
    stage = runtime.model.stage if runtime.model is not None else "-"
    stack_name = runtime.stack.name if runtime.stack else "?"
    if runtime.clock.travelling:
        restored = f"restored from {options.data_dir / 'clock.json'}; " if runtime.clock_restored else ""
        clock_line = (f"TRAVELLED: now is {runtime.clock.now().isoformat(timespec='seconds')} ({restored}"
                      f'POST {api}/_local/clock {{"now": null}} returns to real time)')
    else:
        clock_line = f'real time; POST {api}/_local/clock {{"now": "2027-01-01T00:00:00+08:00"}} to travel'
    return f"""
Local runtime is up ({runtime.startup_s or 0:.1f} s) — stack {stack_name}, stage {stage}
  API              {api}/v1/...            (e.g. {api}/v1/openapi.json)
  Operator page    {api}/_local/executions (Step Functions executions; JSON with Accept: application/json)
  Local routes     {api}/_local            (token, clients, clock, schedules, health)
  AWS emulator     {emulator}
    AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION={options.region} \\
      aws --endpoint-url {emulator} stepfunctions list-state-machines
  Data folder      {options.data_dir}  (tables saved on exit and every {options.save_every_s:.0f} s;
                   --fresh starts empty)
  Clock            {clock_line}
  Schedules        {schedule_line}
  Stood in for     {covered_line}
  Not emulated     {skipped}

  Demo clients (POST {api}/_local/token {{"client_id": ..., "client_secret": ...}}):
{client_lines}

Ctrl-C stops it.""".rstrip()
