"""The certification state machine (Arts 17-23), defined here and executed by Step Functions:

    Eligibility ─▶ Eligible? ─no─▶ NotEligible (the step terminated the case)
                      │yes
                      ▼
    AssignCertifiers ─▶ Assigned? ─AWAITING_CERTIFIERS─▶ WaitForCertifiers ─(roster changed)─▶ AssignCertifiers
                      │UNDER_AUDIT (or later*): STANDARD ─▶ Audit │ SIMPLIFIED ─▶ DeskReview
                      │otherwise (closed meanwhile) ─▶ NotEligible
                      ▼
    Decision ─▶ ApplyOutcome ─▶ Done

(*) an execution started again for a case that got further (a lost one, after the local runtime's
restart) runs every step again: each sees what the case records and passes, the waiting ones whose
officer action is recorded complete at once.

Every step is a task of the `certification_steps` function; the officer steps (WaitForCertifiers,
Audit, DeskReview, Decision) are `.waitForTaskToken` tasks whose Lambda stores the token on the case
and whose officer route resumes them. Every task retries transient Lambda errors and catches
everything else into RecordFailure (the `failure` field of the case), then Failed. Statutory
deadlines are data on the case (the Art 20 clock), not Wait states. Executions are started by the
API under deterministic names (`cert-<uscc>-<case>`), so a retried start cannot run a case twice.

The objection state machine (Art 39) is built from the same tasks (`StepTasks`), on the
`objection_steps` function:

    Filed ─▶ UnderReview (officer's decision, `.waitForTaskToken`) ─▶ ApplyOutcome ─▶ Upheld?
                 ─yes─▶ Reevaluate ─▶ Notify ─▶ Done
                 ─no──────────────▶ Notify ─▶ Done

with the same Retry/Catch → RecordFailure → Failed path, logging ALL and tracing; executions are
named `objection-<uscc>-<number>`; `review_by` is data on the objection."""

from __future__ import annotations

from typing import Any, cast

from aws_cdk import CfnElement, Duration, RemovalPolicy, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from infra.catalog import CERTIFICATION_WORKFLOW, OBJECTION_WORKFLOW
from infra.constructs.functions import LOG_RETENTION
from infra.nag import acknowledge, default_policy
from infra.stage import DEFAULT_STAGE, workflow_name

TRANSIENT_LAMBDA_ERRORS = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                           "Lambda.TooManyRequestsException"]
STEP_TIMEOUT = Duration.seconds(90)
"""A plain step (not a waiting one) that has not answered by then is retried (States.Timeout)."""


class StepTasks:
    """The tasks of one state machine, all on one steps function: each payload carries the execution's
    subject id (`$.<id_field>`) and a `step`; every task retries transient Lambda errors and catches
    everything else into RecordFailure (itself caught into Failed)."""

    def __init__(self, scope: Construct, steps: lambda_.IFunction, id_field: str, error: str, cause: str) -> None:
        self._scope, self._steps, self._id_field = scope, steps, id_field
        self.failed = sfn.Fail(scope, "Failed", error=error, cause=cause)
        self._record_failure: tasks.LambdaInvoke | None = None
        record_failure = self.task("RecordFailure", {"step": "failure", "failure.$": "$.failure"}, "$.recorded",
                                   timeout=True)
        record_failure.add_catch(self.failed, errors=["States.ALL"], result_path="$.unrecorded")
        record_failure.next(self.failed)
        self._record_failure = record_failure

    def _payload(self, fields: dict[str, Any]) -> sfn.TaskInput:
        return sfn.TaskInput.from_object({self._id_field: sfn.JsonPath.string_at(f"$.{self._id_field}"), **fields})

    def task(self, construct_id: str, fields: dict[str, Any], result_path: str, *,
             timeout: bool) -> tasks.LambdaInvoke:
        task = tasks.LambdaInvoke(
            self._scope, construct_id, lambda_function=self._steps, payload=self._payload(fields),
            payload_response_only=True, retry_on_service_exceptions=False, result_path=result_path,
            task_timeout=sfn.Timeout.duration(STEP_TIMEOUT) if timeout else None)
        errors = TRANSIENT_LAMBDA_ERRORS + (["States.Timeout"] if timeout else [])
        task.add_retry(errors=errors, interval=Duration.seconds(2), max_attempts=4, backoff_rate=2)
        if self._record_failure is not None:
            task.add_catch(self._record_failure, errors=["States.ALL"], result_path="$.failure")
        return task

    def waiting(self, construct_id: str, fields: dict[str, Any], result_path: str) -> tasks.LambdaInvoke:
        """A step that waits for an officer (or a roster change): no timeout, the deadline is data."""
        task = tasks.LambdaInvoke(
            self._scope, construct_id, lambda_function=self._steps,
            integration_pattern=sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
            payload=self._payload({"step": "wait", **fields, "token": sfn.JsonPath.task_token}),
            retry_on_service_exceptions=False, result_path=result_path)
        task.add_retry(errors=TRANSIENT_LAMBDA_ERRORS, interval=Duration.seconds(2), max_attempts=4, backoff_rate=2)
        assert self._record_failure is not None
        task.add_catch(self._record_failure, errors=["States.ALL"], result_path="$.failure")
        return task


def _machine(scope: Construct, construct_id: str, name: str, definition: sfn.IChainable, comment: str,
             steps: lambda_.IFunction, log_group: logs.LogGroup) -> sfn.StateMachine:
    """A standard state machine, logging ALL with X-Ray on. Its failed and timed-out executions alarm in
    `Monitoring`, which covers every state machine of the stack and notifies the alarm topic."""
    machine = sfn.StateMachine(
        scope, construct_id,
        state_machine_name=name,
        state_machine_type=sfn.StateMachineType.STANDARD,
        definition_body=sfn.DefinitionBody.from_chainable(definition),
        comment=comment,
        logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=True),
        tracing_enabled=True,
    )
    acknowledge(default_policy(machine.role), "AwsSolutions-IAM5[Resource::*]",  # type: ignore[arg-type]
                "Step Functions log delivery (logs:CreateLogDelivery, ...) and X-Ray tracing support no "
                "resource-level permissions, so they require Resource '*'.")
    steps_arn = f"<{Stack.of(scope).get_logical_id(cast(CfnElement, steps.node.default_child))}.Arn>"
    acknowledge(default_policy(machine.role), f"AwsSolutions-IAM5[Resource::{steps_arn}:*]",  # type: ignore[arg-type]
                "lambda:InvokeFunction on the steps function's versions and aliases (`<function>:*`), as "
                "the LambdaInvoke task grants it: one function, no other.")
    return machine


class Workflows(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, steps: lambda_.IFunction,
                 objection_steps: lambda_.IFunction, stage: str = DEFAULT_STAGE) -> None:
        super().__init__(scope, construct_id)
        cert = StepTasks(self, steps, "case_id", "CertificationWorkflowFailed",
                         "A step failed; the case's `failure` field says which and why")

        not_eligible = sfn.Succeed(self, "NotEligible", comment="The case was closed (terminated) by a step")
        eligibility = cert.task("Eligibility", {"step": "eligibility"}, "$.eligibility", timeout=True)
        assign = cert.task("AssignCertifiers", {"step": "assign"}, "$.assignment", timeout=True)
        wait_certifiers = cert.waiting("WaitForCertifiers", {"action": "ASSIGN_CERTIFIERS"}, "$.roster")
        audit = cert.waiting("Audit", {"action": "AUDIT"}, "$.audit")
        desk_review = cert.waiting("DeskReview", {"action": "AUDIT"}, "$.audit")
        decision = cert.waiting("Decision", {"action": "DECIDE"}, "$.decision")
        apply_outcome = cert.task("ApplyOutcome", {"step": "outcome"}, "$.outcome", timeout=True)
        done = sfn.Succeed(self, "Done")

        decision.next(apply_outcome).next(done)
        audit.next(decision)
        desk_review.next(decision)
        wait_certifiers.next(assign)
        # UNDER_AUDIT, or further on for an execution started again (*): its audit wait passes at once.
        assigned_on = sfn.Condition.or_(*(sfn.Condition.string_equals("$.assignment.status", status)
                                          for status in ("UNDER_AUDIT", "AWAITING_DECISION", "APPROVED", "REJECTED")))
        assigned = (sfn.Choice(self, "Assigned?")
                    .when(sfn.Condition.string_equals("$.assignment.status", "AWAITING_CERTIFIERS"), wait_certifiers)
                    .when(sfn.Condition.and_(assigned_on,
                                             sfn.Condition.string_equals("$.assignment.route", "SIMPLIFIED")),
                          desk_review)
                    .when(assigned_on, audit)
                    .otherwise(not_eligible))
        assign.next(assigned)
        eligible = (sfn.Choice(self, "Eligible?")
                    .when(sfn.Condition.boolean_equals("$.eligibility.eligible", True), assign)
                    .otherwise(not_eligible))
        definition = eligibility.next(eligible)

        self.log_group = logs.LogGroup(self, "Logs", retention=LOG_RETENTION, removal_policy=RemovalPolicy.RETAIN)
        self.certification = _machine(
            self, "Certification", workflow_name(CERTIFICATION_WORKFLOW, stage), definition,
            "Certification and re-certification of AEO tiers (Order 282 Arts 8, 17-23)", steps, self.log_group)

        states = Construct(self, "ObjectionStates")
        obj = StepTasks(states, objection_steps, "objection_id", "ObjectionWorkflowFailed",
                        "A step failed; the objection's `failure` field says which and why")
        filed = obj.task("Filed", {"step": "filed"}, "$.filed", timeout=True)
        under_review = obj.waiting("UnderReview", {}, "$.review")
        apply_objection = obj.task("ApplyOutcome", {"step": "apply"}, "$.applied", timeout=True)
        reevaluate = obj.task("Reevaluate", {"step": "reevaluate"}, "$.reevaluation", timeout=True)
        notify = obj.task("Notify", {"step": "notify"}, "$.notified", timeout=True)
        notify.next(sfn.Succeed(states, "Done"))
        reevaluate.next(notify)
        upheld = (sfn.Choice(states, "Upheld?")
                  .when(sfn.Condition.string_equals("$.applied.outcome", "UPHELD"), reevaluate)
                  .otherwise(notify))
        objection_definition = filed.next(under_review).next(apply_objection).next(upheld)
        self.objection_log_group = logs.LogGroup(self, "ObjectionLogs", retention=LOG_RETENTION,
                                                 removal_policy=RemovalPolicy.RETAIN)
        self.objection = _machine(
            self, "Objection", workflow_name(OBJECTION_WORKFLOW, stage), objection_definition,
            "Objections: review, correction by a new decision, re-evaluation (Order 282 Art 39)", objection_steps,
            self.objection_log_group)
