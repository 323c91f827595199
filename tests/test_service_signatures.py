"""Shopify webhook HMAC: the contracts' test vector, the rotation window, constant-time checks."""

from __future__ import annotations

import json

from sync.service.signatures import sign, verify

VECTOR_BODY = b'{"id":1234567890,"email":"customer@example.com","total_price":"123.45"}'
VECTOR_SECRET = "test-webhook-secret"
VECTOR_HMAC = "QNyObTlKbMx2qDlPF/ZOZcBqg5OgPg+2oky3zldc0Gw="


def test_the_contracts_test_vector_signs_and_verifies() -> None:
    # given the body and secret from the contracts README / when / then
    assert sign(VECTOR_BODY, VECTOR_SECRET) == VECTOR_HMAC
    assert verify(VECTOR_BODY, VECTOR_HMAC, [VECTOR_SECRET])


def test_the_previous_secret_still_verifies_during_a_rotation() -> None:
    # given Shopify still signing with the old secret after a rotation
    # when the service holds the new secret first and the old one second
    # then the delivery is accepted
    assert verify(VECTOR_BODY, VECTOR_HMAC, ["brand-new-secret", VECTOR_SECRET])


def test_a_changed_body_a_wrong_secret_or_no_signature_fails() -> None:
    tampered = json.dumps({"id": 1234567890, "email": "customer@example.com",
                           "total_price": "0.01"}, separators=(",", ":")).encode()
    assert not verify(tampered, VECTOR_HMAC, [VECTOR_SECRET])
    assert not verify(VECTOR_BODY, VECTOR_HMAC, ["another-secret"])
    assert not verify(VECTOR_BODY, None, [VECTOR_SECRET])
    assert not verify(VECTOR_BODY, "", [VECTOR_SECRET])
    assert not verify(VECTOR_BODY, VECTOR_HMAC, [])
    assert not verify(VECTOR_BODY, VECTOR_HMAC, [None, ""])


def test_a_signature_with_non_ascii_garbage_is_refused_not_crashed() -> None:
    assert not verify(VECTOR_BODY, "ünïcode==", [VECTOR_SECRET])
