"""The certification state machine (Arts 17-23), defined here and executed by Step Functions:

    Eligibility ─▶ Eligible? ─no─▶ NotEligible (the step terminated the case)
                      │yes
                      ▼
    AssignCertifiers ─▶ Assigned? ─AWAITING_CERTIFIERS─▶ WaitForCertifiers ─(roster changed)─▶ AssignCertifiers
                      │UNDER_AUDIT: STANDARD ─▶ Audit │ SIMPLIFIED ─▶ DeskReview
                      │otherwise (closed meanwhile) ─▶ NotEligible
                      ▼
    Decision ─▶ ApplyOutcome ─▶ Done

Every step is a task of the `certification_steps` function; the officer steps (WaitForCertifiers,
Audit, DeskReview, Decision) are `.waitForTaskToken` tasks whose Lambda stores the token on the case
and whose officer route resumes them. Every task retries transient Lambda errors and catches
everything else into RecordFailure (the `failure` field of the case), then Failed. Statutory
deadlines are data on the case (the Art 20 clock), not Wait states. Executions are started by the
API under deterministic names (`cert-<uscc>-<case>`), so a retried start cannot run a case twice."""

from __future__ import annotations

from typing import Any, cast

from aws_cdk import CfnElement, Duration, RemovalPolicy, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from infra.catalog import CERTIFICATION_WORKFLOW
from infra.constructs.functions import LOG_RETENTION
from infra.nag import acknowledge, default_policy

TRANSIENT_LAMBDA_ERRORS = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                           "Lambda.TooManyRequestsException"]
STEP_TIMEOUT = Duration.seconds(90)
"""A plain step (not a waiting one) that has not answered by then is retried (States.Timeout)."""


class Workflows(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, steps: lambda_.IFunction) -> None:
        super().__init__(scope, construct_id)
        self._steps = steps
        failed = sfn.Fail(self, "Failed", error="CertificationWorkflowFailed",
                          cause="A step failed; the case's `failure` field says which and why")
        record_failure = self._task("RecordFailure", {"step": "failure", "failure.$": "$.failure"}, "$.recorded",
                                    timeout=True)
        record_failure.add_catch(failed, errors=["States.ALL"], result_path="$.unrecorded")
        record_failure.next(failed)
        self._record_failure = record_failure

        not_eligible = sfn.Succeed(self, "NotEligible", comment="The case was closed (terminated) by a step")
        eligibility = self._task("Eligibility", {"step": "eligibility"}, "$.eligibility", timeout=True)
        assign = self._task("AssignCertifiers", {"step": "assign"}, "$.assignment", timeout=True)
        wait_certifiers = self._waiting("WaitForCertifiers", "ASSIGN_CERTIFIERS", "$.roster")
        audit = self._waiting("Audit", "AUDIT", "$.audit")
        desk_review = self._waiting("DeskReview", "AUDIT", "$.audit")
        decision = self._waiting("Decision", "DECIDE", "$.decision")
        apply_outcome = self._task("ApplyOutcome", {"step": "outcome"}, "$.outcome", timeout=True)
        done = sfn.Succeed(self, "Done")

        decision.next(apply_outcome).next(done)
        audit.next(decision)
        desk_review.next(decision)
        wait_certifiers.next(assign)
        assigned = (sfn.Choice(self, "Assigned?")
                    .when(sfn.Condition.string_equals("$.assignment.status", "AWAITING_CERTIFIERS"), wait_certifiers)
                    .when(sfn.Condition.and_(sfn.Condition.string_equals("$.assignment.status", "UNDER_AUDIT"),
                                             sfn.Condition.string_equals("$.assignment.route", "SIMPLIFIED")),
                          desk_review)
                    .when(sfn.Condition.string_equals("$.assignment.status", "UNDER_AUDIT"), audit)
                    .otherwise(not_eligible))
        assign.next(assigned)
        eligible = (sfn.Choice(self, "Eligible?")
                    .when(sfn.Condition.boolean_equals("$.eligibility.eligible", True), assign)
                    .otherwise(not_eligible))
        definition = eligibility.next(eligible)

        self.log_group = logs.LogGroup(self, "Logs", retention=LOG_RETENTION, removal_policy=RemovalPolicy.RETAIN)
        self.certification = sfn.StateMachine(
            self, "Certification",
            state_machine_name=CERTIFICATION_WORKFLOW,
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_chainable(definition),
            comment="Certification and re-certification of AEO tiers (Order 282 Arts 8, 17-23)",
            logs=sfn.LogOptions(destination=self.log_group, level=sfn.LogLevel.ALL, include_execution_data=True),
            tracing_enabled=True,
        )
        acknowledge(default_policy(self.certification.role), "AwsSolutions-IAM5[Resource::*]",  # type: ignore[arg-type]
                    "Step Functions log delivery (logs:CreateLogDelivery, ...) and X-Ray tracing support no "
                    "resource-level permissions, so they require Resource '*'.")
        steps_arn = f"<{Stack.of(self).get_logical_id(cast(CfnElement, steps.node.default_child))}.Arn>"
        acknowledge(default_policy(self.certification.role), f"AwsSolutions-IAM5[Resource::{steps_arn}:*]",  # type: ignore[arg-type]
                    "lambda:InvokeFunction on the steps function's versions and aliases (`<function>:*`), as "
                    "the LambdaInvoke task grants it: one function, no other.")
        # Failed and timed-out executions alarm in `Monitoring`, which covers every state machine.

    def _payload(self, fields: dict[str, Any]) -> sfn.TaskInput:
        return sfn.TaskInput.from_object({"case_id": sfn.JsonPath.string_at("$.case_id"), **fields})

    def _task(self, construct_id: str, fields: dict[str, Any], result_path: str, *,
              timeout: bool) -> tasks.LambdaInvoke:
        task = tasks.LambdaInvoke(
            self, construct_id, lambda_function=self._steps, payload=self._payload(fields),
            payload_response_only=True, retry_on_service_exceptions=False, result_path=result_path,
            task_timeout=sfn.Timeout.duration(STEP_TIMEOUT) if timeout else None)
        errors = TRANSIENT_LAMBDA_ERRORS + (["States.Timeout"] if timeout else [])
        task.add_retry(errors=errors, interval=Duration.seconds(2), max_attempts=4, backoff_rate=2)
        if construct_id != "RecordFailure":
            task.add_catch(self._record_failure, errors=["States.ALL"], result_path="$.failure")
        return task

    def _waiting(self, construct_id: str, action: str, result_path: str) -> tasks.LambdaInvoke:
        """A step that waits for an officer (or a roster change): no timeout, the deadline is case data."""
        task = tasks.LambdaInvoke(
            self, construct_id, lambda_function=self._steps,
            integration_pattern=sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
            payload=self._payload({"step": "wait", "action": action, "token": sfn.JsonPath.task_token}),
            retry_on_service_exceptions=False, result_path=result_path)
        task.add_retry(errors=TRANSIENT_LAMBDA_ERRORS, interval=Duration.seconds(2), max_attempts=4, backoff_rate=2)
        task.add_catch(self._record_failure, errors=["States.ALL"], result_path="$.failure")
        return task
