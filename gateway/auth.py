"""Tokens and principals: JWT issue and verification, the principal cache, and permission checks.

A token names the employee (`sub`) and their token version (`tv`). Each request resolves the employee's
current principal (roles, permissions, data scope) from the org service, cached for a few seconds and
dropped at once when the org service announces a change; a disabled employee or a bumped token version
makes every older token fail.
"""
import logging
import threading
import time
import uuid

import jwt
from flask import current_app, g, request

from services.common.context import Actor
from services.common.errors import Forbidden, Unauthenticated

log = logging.getLogger(__name__)

ALGORITHM = "HS256"


def issue_token(settings, principal):
    now = int(time.time())
    claims = {"sub": principal["id"], "tv": principal["token_version"], "iat": now,
              "exp": now + settings.token_ttl_seconds, "aud": settings.jwt_audience,
              "iss": settings.jwt_issuer, "jti": uuid.uuid4().hex}
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM)


def decode_token(settings, token):
    """Claims of a valid token, else Unauthenticated. The algorithm is pinned: `alg=none` never passes."""
    try:
        return jwt.decode(token, settings.jwt_secret, algorithms=[ALGORITHM],
                          audience=settings.jwt_audience, issuer=settings.jwt_issuer,
                          options={"require": ["exp", "iat", "sub", "aud", "iss", "tv"]})
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("the token has expired", code="TOKEN_EXPIRED") from None
    except jwt.InvalidTokenError as exc:
        raise Unauthenticated(f"invalid token: {exc}", code="TOKEN_INVALID") from None


class PrincipalCache:
    def __init__(self, ttl_seconds):
        self.ttl = ttl_seconds
        self._entries = {}
        self._lock = threading.Lock()

    def get(self, employee_id):
        entry = self._entries.get(employee_id)
        if entry and time.monotonic() - entry[0] < self.ttl:
            return entry[1]
        return None

    def put(self, employee_id, principal):
        with self._lock:
            self._entries[employee_id] = (time.monotonic(), principal)

    def drop(self, employee_id=None):
        with self._lock:
            if employee_id is None:
                self._entries.clear()
            else:
                self._entries.pop(employee_id, None)


def bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("a bearer token is required", code="TOKEN_MISSING")
    return token.strip()


def authenticate():
    """The actor of the current request, from its bearer token and the employee's current principal."""
    gateway = current_app.extensions["carloan"]
    claims = decode_token(gateway.settings, bearer_token())
    principal = gateway.principals.get(claims["sub"])
    if principal is None:
        principal = gateway.rpc.call("org", "get_principal", claims["sub"],
                                     correlation_id=g.correlation_id)
        gateway.principals.put(claims["sub"], principal)
    if principal["token_version"] != claims["tv"]:
        raise Unauthenticated("the token was revoked", code="TOKEN_REVOKED")
    return Actor.from_dict({**principal, "user_id": principal["id"]}), principal


def requires(*permissions):
    """Declare the permission a view needs (any one of several, when the service decides which applies);
    the gateway checks it before the view runs."""
    permission = permissions[0] if len(permissions) == 1 else tuple(permissions)

    def decorator(fn):
        fn.required_permission = permission
        apidoc = getattr(fn, "_apidoc", {})
        manual = apidoc.setdefault("manual_doc", {})
        manual["security"] = [{"bearerAuth": []}]
        if permission != AUTHENTICATED:
            shown = " or ".join(f"`{p}`" for p in permissions)
            manual["description"] = (manual.get("description", "") + f"\n\nPermission: {shown}").strip()
        fn._apidoc = apidoc
        return fn
    return decorator


AUTHENTICATED = "authenticated"


def authenticated(fn):
    """Any logged-in employee may use this view."""
    return requires(AUTHENTICATED)(fn)


def public(fn):
    """Mark a view that needs no token (login, health)."""
    fn.required_permission = None
    return fn


def allowed_before_password_change(fn):
    """A view an employee may use while their password must be changed (the change itself, `/me`)."""
    fn.allowed_before_password_change = True
    return fn


def check_password_change(principal, view):
    """Someone else set this employee's password: until they change it, they may do nothing else."""
    if principal.get("must_change_password") and not getattr(view, "allowed_before_password_change", False):
        raise Forbidden("your password was reset: change it first (POST /api/v1/auth/password)",
                        code="PASSWORD_CHANGE_REQUIRED")


def check_permission(actor, permission):
    if permission == AUTHENTICATED:
        return
    wanted = permission if isinstance(permission, tuple) else (permission,)
    if not any(p in actor.permissions for p in wanted):
        raise Forbidden(f"this action needs the permission {' or '.join(wanted)}", code="PERMISSION_DENIED",
                        extra={"permissions": list(wanted)})
