"""The `Idempotency-Key` a money-moving command reaches the loan service under, and its OpenAPI description: the
loan routes of origination (disbursement) and of servicing (repayments, prepayments, decisions) take it."""
import uuid

from flask import request
from flask_smorest import Blueprint

from services.common.errors import field_error


def idempotency_key():
    """The client's `Idempotency-Key`, or a fresh one of the gateway's own: every money-moving command reaches the
    loan service under a key, so a request the broker redelivers (the service died after committing, before
    replying) is answered from what was committed, never carried out twice."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return str(uuid.uuid4())
    if not 1 <= len(key) <= 200:
        raise field_error("Idempotency-Key", "1 to 200 characters", code="IDEMPOTENCY_KEY_INVALID")
    return key


def idempotent():
    """The OpenAPI description of the `Idempotency-Key` header a money-moving command takes."""
    return Blueprint.doc(parameters=[{
        "in": "header", "name": "Idempotency-Key", "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 200},
        "description": "a replay returns the first response; the same key with another body (or from another user) "
                       "is 409 IDEMPOTENCY_KEY_REUSED. Without one the gateway makes one, so the command still runs "
                       "exactly once, but the client cannot replay it"}])
