"""Rotating the warehouse push key: moto's rotate_secret drives the rotation Lambda's four steps."""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from moto.awslambda.models import LambdaBackend

from sync.errors import InputError
from sync.service import rotation_handler
from sync.service.secrets import SecretReader, staged_provider
from tests.test_service_world import PUSH_KEY, LambdaContext, aws_client, moto_aws

ROLE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for _ in moto_aws(monkeypatch):
        client = aws_client("secretsmanager")
        client.create_secret(Name="hubshop/push-key", SecretString=PUSH_KEY)
        monkeypatch.setattr(rotation_handler, "_client", client)
        yield client


@pytest.fixture
def rotation_arn(secrets: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """A rotation function registered in moto; its invocations run our handler in-process."""
    role = aws_client("iam").create_role(
        RoleName="rotation", AssumeRolePolicyDocument=ROLE_POLICY)["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context): pass\n")
    arn = aws_client("lambda").create_function(
        FunctionName="hubshop-key-rotation", Runtime="python3.12", Role=role,
        Handler="sync.service.rotation_handler.handler", Code={"ZipFile": code.getvalue()},
    )["FunctionArn"]
    STEPS_SEEN.clear()

    def invoke(self: Any, function_name: str, qualifier: Any, body: Any, headers: Any,
               response_headers: Any) -> bytes:
        event = json.loads(body)
        for _ in range(REPEAT["times"]):
            STEPS_SEEN.append(rotation_handler.handler(event, LambdaContext())["step"])
        return b"null"

    monkeypatch.setattr(LambdaBackend, "invoke", invoke)
    return arn


STEPS_SEEN: list[str] = []
REPEAT = {"times": 1}  # how many times each step is delivered (Secrets Manager may retry a step)


def _rotate(secrets: Any, arn: str) -> None:
    secrets.rotate_secret(SecretId="hubshop/push-key", RotationLambdaARN=arn,
                          RotationRules={"AutomaticallyAfterDays": 30}, RotateImmediately=True)


def _stages(client: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for stage in ("AWSCURRENT", "AWSPREVIOUS", "AWSPENDING"):
        with contextlib.suppress(client.exceptions.ResourceNotFoundException):
            found[stage] = client.get_secret_value(SecretId="hubshop/push-key",
                                                   VersionStage=stage)["SecretString"]
    return found


def test_a_rotation_makes_a_new_current_key_and_keeps_the_old_one_accepted(
    secrets: Any, rotation_arn: str
) -> None:
    # given the warehouse's key in Secrets Manager
    # when Secrets Manager rotates it through our rotation Lambda
    _rotate(secrets, rotation_arn)
    # then the four steps ran, in order
    assert STEPS_SEEN == ["createSecret", "setSecret", "testSecret", "finishSecret"]
    # and a new, well-formed key is current while the old one is previous
    stages = _stages(secrets)
    assert stages["AWSPREVIOUS"] == PUSH_KEY
    new = stages["AWSCURRENT"]
    assert new != PUSH_KEY and len(new) == 48 and new.isalnum()
    # and the push endpoint's check accepts both, and nothing else
    reader = SecretReader(staged_provider(boto3_client=secrets), max_age=0)
    assert reader.check_key("hubshop/push-key", new)
    assert reader.check_key("hubshop/push-key", PUSH_KEY)
    assert not reader.check_key("hubshop/push-key", "k" * 40)


def test_each_step_is_safe_to_repeat(secrets: Any, rotation_arn: str,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # given Secrets Manager delivering every step twice
    monkeypatch.setitem(REPEAT, "times", 2)
    # when it rotates the key
    _rotate(secrets, rotation_arn)
    # then each step ran twice, one new key was made, and the old one is previous
    assert len(STEPS_SEEN) == 8
    stages = _stages(secrets)
    assert stages["AWSPREVIOUS"] == PUSH_KEY and len(stages["AWSCURRENT"]) == 48
    versions = secrets.list_secret_version_ids(SecretId="hubshop/push-key")["Versions"]
    assert len(versions) == 2


def test_a_malformed_pending_key_fails_the_test_step(secrets: Any, rotation_arn: str) -> None:
    # given rotation enabled, and a pending key someone made by hand that is no good
    _rotate(secrets, rotation_arn)
    current = _stages(secrets)["AWSCURRENT"]
    token = "a1b2c3d4-0000-4000-8000-000000000002"
    secrets.put_secret_value(SecretId="hubshop/push-key", ClientRequestToken=token,
                             SecretString="short key!", VersionStages=["AWSPENDING"])
    # when / then: testSecret refuses it, and the current key stays
    with pytest.raises(InputError, match="32-128 letters and digits"):
        rotation_handler.handler({"SecretId": "hubshop/push-key", "ClientRequestToken": token,
                                  "Step": "testSecret"}, LambdaContext())
    assert _stages(secrets)["AWSCURRENT"] == current


def test_an_unknown_step_or_token_is_refused(secrets: Any, rotation_arn: str) -> None:
    _rotate(secrets, rotation_arn)
    with pytest.raises(InputError, match="step"):
        rotation_handler.handler({"SecretId": "hubshop/push-key", "ClientRequestToken": "t",
                                  "Step": "dropSecret"}, LambdaContext())
    with pytest.raises(InputError, match="not one of its versions"):
        rotation_handler.handler({"SecretId": "hubshop/push-key",
                                  "ClientRequestToken": "a1b2c3d4-0000-4000-8000-00000000dead",
                                  "Step": "createSecret"}, LambdaContext())


def test_rotation_that_is_not_enabled_is_refused(secrets: Any) -> None:
    with pytest.raises(InputError, match="rotation is not enabled"):
        rotation_handler.handler({"SecretId": "hubshop/push-key", "ClientRequestToken": "t",
                                  "Step": "createSecret"}, LambdaContext())
