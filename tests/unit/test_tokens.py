import base64
import json
import time

import jwt
import pytest

from gateway.auth import decode_token, issue_token
from gateway.settings import Settings
from services.common.errors import Unauthenticated

SETTINGS = Settings(jwt_secret="unit-test-secret-" + "x" * 32, jwt_audience="carloan-api",
                    jwt_issuer="carloan-gateway", token_ttl_seconds=600, principal_ttl_seconds=5,
                    rpc_timeout_seconds=5, amqp_uri="amqp://", services=("org",))
PRINCIPAL = {"id": "emp-1", "token_version": 3}


def _b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(**overrides):
    now = int(time.time())
    claims = {"sub": "emp-1", "tv": 3, "iat": now, "exp": now + 60, "aud": "carloan-api",
              "iss": "carloan-gateway"}
    claims.update(overrides)
    return claims


def test_an_issued_token_decodes_to_the_employee_and_token_version():
    claims = decode_token(SETTINGS, issue_token(SETTINGS, PRINCIPAL))
    assert claims["sub"] == "emp-1" and claims["tv"] == 3
    assert claims["exp"] - claims["iat"] == 600


def test_alg_none_is_refused():
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims())}."
    with pytest.raises(Unauthenticated):
        decode_token(SETTINGS, token)


def test_a_broken_signature_is_refused():
    token = issue_token(SETTINGS, PRINCIPAL)
    header, payload, signature = token.split(".")
    tampered = f"{header}.{_b64(_claims(sub='emp-admin'))}.{signature}"
    with pytest.raises(Unauthenticated):
        decode_token(SETTINGS, tampered)


def test_a_token_signed_with_another_key_is_refused():
    with pytest.raises(Unauthenticated):
        decode_token(SETTINGS, jwt.encode(_claims(), "another-key-" + "y" * 32, algorithm="HS256"))


def test_an_expired_token_is_refused_with_its_own_code():
    token = jwt.encode(_claims(exp=int(time.time()) - 1), SETTINGS.jwt_secret, algorithm="HS256")
    with pytest.raises(Unauthenticated) as caught:
        decode_token(SETTINGS, token)
    assert caught.value.code == "TOKEN_EXPIRED"


def test_a_token_for_another_audience_is_refused():
    token = jwt.encode(_claims(aud="another-api"), SETTINGS.jwt_secret, algorithm="HS256")
    with pytest.raises(Unauthenticated):
        decode_token(SETTINGS, token)


def test_a_token_without_token_version_is_refused():
    claims = _claims()
    del claims["tv"]
    with pytest.raises(Unauthenticated):
        decode_token(SETTINGS, jwt.encode(claims, SETTINGS.jwt_secret, algorithm="HS256"))


def test_an_hs512_token_with_the_right_key_is_still_refused_as_the_algorithm_is_pinned():
    token = jwt.encode(_claims(), SETTINGS.jwt_secret, algorithm="HS512")
    with pytest.raises(Unauthenticated):
        decode_token(SETTINGS, token)
