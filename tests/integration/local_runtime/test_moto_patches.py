"""Every moto internal that `local/moto_patches.py` replaces or reads, pinned: when a moto upgrade
moves, renames or re-signs one of them, the matching test here fails with the reason, instead of
the runtime misbehaving quietly."""

from __future__ import annotations

import inspect
from importlib.metadata import version
from typing import Any

import pytest

from local import moto_patches


def params(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_moto_is_the_pinned_version() -> None:
    # Given the patches were written against moto 5.2.5
    # When checking the installed version
    # Then it is exactly that (upgrade = re-check every test below, then this pin)
    assert version("moto") == "5.2.5"


def test_lambda_simple_backend_invoke_signature() -> None:
    # Given the patch replaces LambdaSimpleBackend.invoke (canned answers without Docker)
    from moto.awslambda_simple.models import LambdaSimpleBackend

    # When reading the method moto defines
    # Then it exists on that class with the arguments the replacement takes
    assert "invoke" in LambdaSimpleBackend.__dict__
    original = next((p.original for p in moto_patches._applied if p.attribute == "invoke"),
                    LambdaSimpleBackend.__dict__.get("invoke"))
    assert params(original) == ["self", "function_name", "qualifier", "body", "headers", "response_headers"]
    assert params(moto_patches._invoke) == params(original)


def test_lambda_responses_call_backend_invoke_this_way() -> None:
    # Given the Lambda API handler calls backend.invoke(name, qualifier, body, headers, response_headers)
    from moto.awslambda.responses import LambdaResponse

    # When reading its source
    source = inspect.getsource(LambdaResponse.invoke)
    # Then the call and the headers the runtime sets are still the contract
    assert "self.backend.invoke(" in source
    assert "function_name, qualifier, self.body, self.headers, response_headers" in source


def test_lambda_function_attributes_read_by_the_runner() -> None:
    # Given FunctionConfig.from_moto reads these attributes of moto's LambdaFunction
    from moto.awslambda.models import LambdaFunction

    # When looking at what __init__ assigns
    source = inspect.getsource(LambdaFunction.__init__) + inspect.getsource(LambdaFunction)
    # Then every one is still assigned
    for attribute in ("self.function_name", "self.function_arn", "self.handler", "self.environment_vars",
                      "self.timeout", "self.memory_size", "self.region", "self.account_id", "self.code ",
                      "self.code_bytes", "self.code_sha_256", "self.code_digest"):
        assert attribute in source, attribute


def test_lambda_backend_lookup_signature() -> None:
    # Given lambda_function() calls get_function(name_or_arn, qualifier)
    from moto.awslambda.models import LambdaBackend

    # When reading its signature
    # Then it takes those two
    assert params(LambdaBackend.get_function)[:3] == ["self", "function_name_or_arn", "qualifier"]


def test_sqs_queues_still_invoke_their_mappings_inside_send_message() -> None:
    # Given the patch detaches each SQS mapping from `queue.lambda_event_source_mappings`, keyed by the
    # function ARN, because Queue.add_message invokes what it finds there
    from moto.awslambda.models import EventSourceMapping, LambdaBackend
    from moto.sqs.models import Queue

    original = moto_patches._original_create_event_source_mapping
    # When reading moto's code
    # Then the mapping is still registered that way, and SendMessage still delivers through it
    assert params(original) == ["self", "spec"] == params(moto_patches._create_event_source_mapping)
    assert "queue.lambda_event_source_mappings[esm.function_arn] = esm" in inspect.getsource(
        LambdaBackend.create_event_source_mapping)
    assert "self.lambda_event_source_mappings.items()" in inspect.getsource(Queue.add_message)
    assert "self.function_arn" in inspect.getsource(EventSourceMapping.__init__)


def test_sqs_receive_applies_the_redrive_policy() -> None:
    # Given the runtime relies on SQS (moto) to move a message received maxReceiveCount times to the DLQ
    from moto.sqs.models import SQSBackend

    # When reading receive_message / Then the redrive is still there
    source = inspect.getsource(SQSBackend.receive_message)
    assert 'queue.redrive_policy["maxReceiveCount"]' in source
    assert "queue.dead_letter_queue.add_message(message)" in source


def test_events_rule_send_to_targets_signature_and_attributes() -> None:
    # Given the patch replaces Rule.send_to_targets and reads the rule's state, pattern and targets
    from moto.events.models import EventPattern, Rule

    original = moto_patches._original_send_to_targets
    # When checking the original method and the rule's fields
    # Then they are where the replacement expects them
    assert params(original) == ["self", "original_event", "transform_input"]
    assert params(moto_patches._send_to_targets) == params(original)
    init = inspect.getsource(Rule.__init__)
    for attribute in ("self.state", "self.event_pattern", "self.targets", "self.name"):
        assert attribute in init, attribute
    assert isinstance(Rule.arn, property)
    assert callable(EventPattern.matches_event)


def test_put_events_calls_send_to_targets_per_rule() -> None:
    # Given delivery happens only through rule.send_to_targets(event_msg)
    from moto.events.models import EventsBackend

    # When reading put_events
    # Then that is still the call
    assert "rule.send_to_targets(event_msg)" in inspect.getsource(EventsBackend.put_events)


def test_event_bus_still_lacks_a_physical_resource_id() -> None:
    # Given the patch adds EventBus.physical_resource_id (without it `Ref: Bus` is the Python object)
    from moto.events.models import EventBus

    # When looking for moto's own
    own = next((p.original for p in moto_patches._applied if p.attribute == "physical_resource_id"),
               EventBus.__dict__.get("physical_resource_id"))
    # Then there is none; once moto has one, delete the patch
    assert own is None, "moto now defines EventBus.physical_resource_id: remove the patch"


@pytest.mark.parametrize(("method", "expected"), [
    ("create_from_cloudformation_json",
     ["resource_name", "cloudformation_json", "account_id", "region_name", "kwargs"]),
    ("delete_from_cloudformation_json", ["resource_name", "cloudformation_json", "account_id", "region_name"]),
    ("update_from_cloudformation_json", ["original_resource", "new_resource_name", "cloudformation_json",
                                         "account_id", "region_name"]),
])
def test_state_machine_cloudformation_hooks(method: str, expected: list[str]) -> None:
    # Given the patch re-routes the state machine's CloudFormation hooks to the executing backend
    from moto.stepfunctions.models import StateMachine

    original = next((p.original for p in moto_patches._applied if p.attribute == method), StateMachine.__dict__[method])
    # When reading moto's classmethod
    # Then its parameters are the ones the replacement takes
    assert params(original.__func__)[1:] == expected
    replacement = {"create_from_cloudformation_json": moto_patches._sfn_create_from_cfn,
                   "delete_from_cloudformation_json": moto_patches._sfn_delete_from_cfn,
                   "update_from_cloudformation_json": moto_patches._sfn_update_from_cfn}[method]
    assert params(replacement)[1:] == expected


def test_executing_backend_create_and_start_signatures() -> None:
    # Given the replacements call the executing backend's create_state_machine and start_execution
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend, stepfunctions_parser_backends

    # When reading them
    create = params(StepFunctionsParserBackend.create_state_machine)
    original_start = moto_patches._original_start_execution
    # Then they take the keywords used
    assert {"name", "definition", "roleArn", "tags", "loggingConfiguration", "tracingConfiguration",
            "sm_type"} <= set(create)
    assert params(original_start) == ["self", "state_machine_arn", "name", "execution_input", "trace_header"]
    assert stepfunctions_parser_backends is not None


def test_unnamed_executions_get_a_uuid_name() -> None:
    # Given a state machine in a fresh executing backend
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    backend = StepFunctionsParserBackend("us-east-1", "000000000000")
    machine = backend.create_state_machine(
        name="m", definition='{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}',
        roleArn="arn:aws:iam::000000000000:role/r")
    # When starting an execution without a name, with moto's method and with the patched one
    unpatched = moto_patches._original_start_execution(backend, machine.arn)
    patched = moto_patches._start_execution(backend, machine.arn)
    # Then moto still names it "None" (the patch is still needed) and the patch names it with a UUID
    assert unpatched.execution_arn.endswith(":None"), "moto names unnamed executions now: remove the patch"
    assert len(patched.execution_arn.rsplit(":", 1)[1]) == 36


def test_scheduler_backend_create_schedule_keywords() -> None:
    # Given the CloudFormation model for AWS::Scheduler::Schedule calls create_schedule with keywords
    from moto.scheduler.models import EventBridgeSchedulerBackend

    # When reading its signature
    # Then every keyword is accepted
    assert set(params(EventBridgeSchedulerBackend.create_schedule)) >= {
        "description", "end_date", "flexible_time_window", "group_name", "kms_key_arn", "name",
        "schedule_expression", "schedule_expression_timezone", "start_date", "state", "target",
        "action_after_completion"}
    assert {"name", "tags"} <= set(params(EventBridgeSchedulerBackend.create_schedule_group))


def test_cloudformation_still_lacks_scheduler_support() -> None:
    # Given moto's CloudFormation finds resource classes through CloudFormationModel subclasses,
    # from a cached map
    from moto.cloudformation import parsing

    # When the patches are not applied
    moto_patches.revert()
    # Then moto itself has no class for Scheduler schedules (else remove ours), and the caches exist
    assert "AWS::Scheduler::Schedule" not in parsing.get_model_map()
    assert hasattr(parsing.get_model_map, "cache_clear")
    assert hasattr(parsing.get_name_type_map, "cache_clear")
    assert params(parsing.clean_json) == ["resource_json", "resources_map"]


def test_stack_resource_map_is_where_resolution_reads_it() -> None:
    # Given resolve_in_stack reads cloudformation_backends[...].stacks[...].resource_map
    from moto.cloudformation.models import CloudFormationBackend, Stack

    # When reading the classes
    # Then the attributes are there
    assert "self.stacks" in inspect.getsource(CloudFormationBackend.__init__)
    assert "self.resource_map" in inspect.getsource(Stack.__init__)
    assert "self.status" in inspect.getsource(Stack)


def test_config_switches_exist() -> None:
    # Given configure_emulator sets moto's documented switches
    from moto.core.config import default_user_config

    # When reading the defaults
    # Then both keys are there
    assert "execute_state_machine" in default_user_config["stepfunctions"]
    assert "use_docker" in default_user_config["lambda"]


class _Hooks:
    def invoke_lambda(self, function: Any, body: Any, headers: Any, response_headers: dict[str, str]) -> bytes:
        return b"{}"

    def deliver_rule_target(self, rule: Any, target: dict[str, Any], event: dict[str, Any]) -> bool:
        return False


def test_apply_and_revert_leave_moto_as_it_was() -> None:
    # Given moto untouched
    from moto.awslambda_simple.models import LambdaSimpleBackend
    from moto.cloudformation import parsing
    from moto.core.config import default_user_config
    from moto.events.models import EventBus

    moto_patches.revert()
    before = LambdaSimpleBackend.__dict__["invoke"]
    config_before = dict(default_user_config["stepfunctions"])
    # When applying the patches
    moto_patches.apply(_Hooks())
    # Then every patched attribute is the replacement and the Scheduler types are known
    assert LambdaSimpleBackend.__dict__["invoke"] is moto_patches._invoke
    assert "AWS::Scheduler::Schedule" in parsing.get_model_map()
    assert isinstance(EventBus.__dict__["physical_resource_id"], property)
    # When reverting
    moto_patches.revert()
    # Then moto is as before
    assert LambdaSimpleBackend.__dict__["invoke"] is before
    assert "physical_resource_id" not in EventBus.__dict__
    assert "AWS::Scheduler::Schedule" not in parsing.get_model_map()
    assert default_user_config["stepfunctions"] == config_before


def test_stubber_dispatch_used_by_the_in_process_transport() -> None:
    # Given the transport calls BotocoreStubber.process_request(request) and wraps bodies in MockRawResponse
    from moto.backend_index import backend_url_patterns
    from moto.core.botocore_stubber import BotocoreStubber, MockRawResponse

    # When reading them
    # Then the method takes the request alone, the raw response streams, and moto still matches
    # each service's AWS hostname the transport rewrites to
    assert params(BotocoreStubber.process_request) == ["self", "request"]
    assert list(MockRawResponse(b"ab").stream()) == [b"ab"]
    for prefix in moto_patches.IN_PROCESS_SERVICES.values():
        url = f"https://{prefix}.us-east-1.amazonaws.com/"
        assert any(pattern.match(url) for _, pattern in backend_url_patterns), prefix


class _Recorder:
    def __init__(self) -> None:
        import threading

        self.lock = threading.RLock()
        self.seen: list[tuple[str, dict[str, Any]]] = []

    def record(self, action: str, params: dict[str, Any]) -> None:
        self.seen.append((action, params))


def test_dynamodb_handler_hands_accepted_writes_to_the_journal() -> None:
    # Given the journal hook on DynamoHandler.call_action (it reads `params` and `_get_action()`)
    import boto3
    from moto import mock_aws
    from moto.dynamodb.responses import DynamoHandler

    assert params(DynamoHandler.__dict__["call_action"]) == ["self"]
    recorder = _Recorder()
    with mock_aws():
        moto_patches.apply(_Hooks())
        moto_patches.set_write_journal(recorder)
        try:
            client = boto3.client("dynamodb", region_name="us-east-1")
            client.create_table(TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                BillingMode="PAY_PER_REQUEST")
            # When a write is accepted, one is refused and a read is made
            client.put_item(TableName="t", Item={"pk": {"S": "a"}, "b": {"B": b"\x00\xff"}})
            with pytest.raises(client.exceptions.ConditionalCheckFailedException):
                client.put_item(TableName="t", Item={"pk": {"S": "a"}}, ConditionExpression="attribute_not_exists(pk)")
            client.get_item(TableName="t", Key={"pk": {"S": "a"}})
        finally:
            moto_patches.revert()
    # Then only the accepted write reached the journal, with boto3-shaped parameters (bytes stay bytes)
    assert [action for action, _ in recorder.seen] == ["PutItem"]
    assert recorder.seen[0][1]["Item"]["b"] == {"B": b"\x00\xff"}

