"""Signed actors: what a token proves, and what it refuses."""
import time

import jwt
import pytest

from services.common.context import Actor, authorise, sign_actor, sign_service, signing_keys, verify
from services.common.errors import Forbidden, Unauthenticated

KEYS = "k2:" + "b" * 40 + ",k1:" + "a" * 40
OFFICER = Actor("u1", "li", "d-cd", "department", ("loan_officer",), ("loan.view",), ("d-cd",))


def test_a_signed_employee_comes_back_exactly_as_signed():
    caller = verify(sign_actor(OFFICER, KEYS), KEYS)
    assert caller.actor == OFFICER and caller.service is None


def test_a_service_token_names_the_service_and_no_employee():
    caller = verify(sign_service("loan", KEYS), KEYS)
    assert caller.service == "loan" and caller.actor is None


def test_the_first_key_signs_and_every_key_verifies():
    token = sign_actor(OFFICER, KEYS)
    assert jwt.get_unverified_header(token)["kid"] == "k2"
    older = sign_actor(OFFICER, "k1:" + "a" * 40)
    assert verify(older, KEYS).actor == OFFICER  # a process not yet rolled still gets through
    with pytest.raises(Unauthenticated) as refused:
        verify(older, "k2:" + "b" * 40)  # once k1 is retired
    assert refused.value.code == "ACTOR_INVALID"


@pytest.mark.parametrize("token, code", [
    (None, "ACTOR_MISSING"), ("", "ACTOR_MISSING"), ({"user_id": "u1"}, "ACTOR_MISSING"),
    ("not-a-token", "ACTOR_INVALID"),
    (jwt.encode({"act": {"user_id": "u1"}, "iat": 1, "exp": int(time.time()) + 86400}, "a" * 40,
                headers={"kid": "k1"}).replace("eyJ", "eyK", 1), "ACTOR_INVALID"),
    (jwt.encode({"act": {"user_id": "u1"}, "iat": 1, "exp": int(time.time()) - 30}, "a" * 40,
                headers={"kid": "k1"}), "ACTOR_EXPIRED"),
    (jwt.encode({"act": {}, "iat": 1, "exp": int(time.time()) + 86400}, "a" * 40, headers={"kid": "k1"}),
     "ACTOR_INVALID"),
    (jwt.encode({"act": {"user_id": "u1"}, "iat": 1, "exp": int(time.time()) + 86400}, "a" * 40,
                algorithm="HS512", headers={"kid": "k1"}), "ACTOR_INVALID"),
])
def test_anything_but_a_valid_unexpired_token_is_refused(token, code):
    with pytest.raises(Unauthenticated) as refused:
        verify(token, KEYS)
    assert refused.value.code == code


def test_a_service_reaches_only_the_methods_that_name_it():
    loan = verify(sign_service("loan", KEYS), KEYS)
    authorise(loan, "customer.may_borrow", frozenset({"loan"}))
    with pytest.raises(Forbidden) as refused:
        authorise(loan, "customer.create_person", frozenset())
    assert refused.value.code == "CALLER_NOT_ALLOWED"
    authorise(verify(sign_actor(OFFICER, KEYS), KEYS), "customer.create_person", frozenset())  # employees pass


def test_short_or_empty_keys_are_refused_at_start():
    for raw in ("k1:short", " , "):
        with pytest.raises(RuntimeError):
            signing_keys(raw)


def test_a_method_for_services_only_refuses_employees():
    gateway = verify(sign_service("gateway", KEYS), KEYS)
    authorise(gateway, "org.get_principal", frozenset({"gateway"}), employees=False)
    with pytest.raises(Forbidden) as refused:
        authorise(verify(sign_actor(OFFICER, KEYS), KEYS), "org.get_principal", frozenset({"gateway"}),
                  employees=False)
    assert refused.value.code == "CALLER_NOT_ALLOWED"
