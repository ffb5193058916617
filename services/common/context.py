"""The actor and correlation id that travel with every call and event (Nameko context data).

The actor crosses the broker as a short-lived signed token, never as plain data: whoever can publish to
RabbitMQ cannot act as anyone without the key the gateway and the services share. A token names either an
employee (the actor the gateway authenticated, passed on unchanged by services that call others on their
behalf) or a calling service (`svc`), whose calls are allowed only into the methods that name it.
"""
import functools
import hashlib
import threading
import time
import uuid
from dataclasses import asdict, dataclass

import jwt

from services.common import config
from services.common.errors import Forbidden, Unauthenticated

ACTOR_KEY = "actor"
CORRELATION_KEY = "correlation_id"

_local = threading.local()  # green-local under eventlet's monkey patching


@dataclass(frozen=True)
class Actor:
    """Who is acting: an employee authenticated by the gateway, or a service acting on an event."""
    user_id: str
    username: str
    department_id: str | None = None
    data_scope: str = "own"
    roles: tuple = ()
    permissions: tuple = ()
    # Departments visible under the data scope; None means every department (scope `all`).
    department_ids: tuple | None = ()

    @classmethod
    def system(cls, service_name):
        return cls(user_id=f"system:{service_name}", username=f"system:{service_name}",
                   data_scope="all", department_ids=None)

    @classmethod
    def from_dict(cls, data):
        if not data:
            return None
        ids = data.get("department_ids")
        return cls(
            user_id=data["user_id"],
            username=data.get("username", data["user_id"]),
            department_id=data.get("department_id"),
            data_scope=data.get("data_scope", "own"),
            roles=tuple(data.get("roles", ())),
            permissions=tuple(data.get("permissions", ())),
            department_ids=None if ids is None else tuple(ids),
        )

    def to_dict(self):
        data = asdict(self)
        data["roles"] = list(self.roles)
        data["permissions"] = list(self.permissions)
        data["department_ids"] = None if self.department_ids is None else list(self.department_ids)
        return data

    def has(self, permission):
        return permission in self.permissions

    def can_see(self, owner_id=None, department_id=None):
        """Data scope: may this actor see an object owned by `owner_id` in `department_id`?"""
        if self.department_ids is None:
            return True
        if self.data_scope == "own":
            return owner_id == self.user_id
        return department_id in self.department_ids or owner_id == self.user_id


def new_correlation_id():
    return uuid.uuid4().hex


def bind(correlation_id=None):
    """Make the correlation id of the current (green) thread's work visible to its log lines."""
    _local.correlation_id = correlation_id


def current_correlation_id():
    return getattr(_local, "correlation_id", None)


_ALGORITHM = "HS256"
_LEEWAY_SECONDS = 5  # clocks of hosts in one cluster may differ by this much


def _parse_keys(raw):
    """`kid:secret,kid:secret` (or bare secrets, named by their hash): the first signs, every one verifies."""
    keys = []
    for entry in filter(None, (part.strip() for part in raw.split(","))):
        kid, sep, secret = entry.partition(":")
        if not sep:
            kid, secret = hashlib.sha256(entry.encode()).hexdigest()[:8], entry
        if len(secret) < 32:
            raise RuntimeError(f"CARLOAN_ACTOR_KEYS: the key {kid!r} is shorter than 32 characters")
        keys.append((kid, secret))
    if not keys:
        raise RuntimeError("CARLOAN_ACTOR_KEYS holds no key")
    return tuple(keys)


@functools.lru_cache(maxsize=8)
def _keys_from(raw):
    return _parse_keys(raw)


def signing_keys(raw=None):
    """The keys of actor tokens: `CARLOAN_ACTOR_KEYS`, else (in development) one random key in the data dir.

    To rotate without downtime: deploy `new,old` (every process verifies both, signs with new), then `new`."""
    return _keys_from(raw or config.secret("CARLOAN_ACTOR_KEYS", "actor-keys"))


def _token_ttl():
    return config.env_float("CARLOAN_ACTOR_TOKEN_TTL_SECONDS", 60)


def _sign(claims, keys, ttl):
    kid, secret = keys[0]
    now = int(time.time())
    return jwt.encode({**claims, "iat": now, "exp": now + int(ttl or _token_ttl())}, secret,
                      algorithm=_ALGORITHM, headers={"kid": kid})


def sign_actor(actor, keys=None, ttl=None):
    """A token that makes the bearer act as `actor` (an Actor or its dict) for a short while
    (`CARLOAN_ACTOR_TOKEN_TTL_SECONDS`, 60)."""
    data = actor.to_dict() if isinstance(actor, Actor) else dict(actor)
    return _sign({"act": data}, signing_keys(keys), ttl)


def sign_service(service_name, keys=None, ttl=None):
    """A token naming the calling service itself, for calls it makes on its own account (events, timers)."""
    return _sign({"svc": service_name}, signing_keys(keys), ttl)


@dataclass(frozen=True)
class Caller:
    """Who a verified token names: an employee actor, or a service acting on its own account."""
    actor: Actor | None = None
    service: str | None = None


def verify(token, keys=None):
    """The caller a token names, or Unauthenticated when it is missing, forged, altered or expired."""
    if not isinstance(token, str) or not token:
        raise Unauthenticated("the call carries no signed actor", code="ACTOR_MISSING")
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        secret = dict(signing_keys(keys)).get(kid)
        if secret is None:
            raise Unauthenticated("the actor is signed with an unknown key", code="ACTOR_INVALID")
        claims = jwt.decode(token, secret, algorithms=[_ALGORITHM], leeway=_LEEWAY_SECONDS,
                            options={"require": ["exp", "iat"]})
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("the signed actor has expired", code="ACTOR_EXPIRED") from None
    except jwt.InvalidTokenError as exc:
        raise Unauthenticated(f"the signed actor is not valid: {exc}", code="ACTOR_INVALID") from None
    if isinstance(claims.get("act"), dict) and claims["act"].get("user_id"):
        return Caller(actor=Actor.from_dict(claims["act"]))
    if isinstance(claims.get("svc"), str) and claims["svc"]:
        return Caller(service=claims["svc"])
    raise Unauthenticated("the signed actor names nobody", code="ACTOR_INVALID")


def authorise(caller, method_name, services, employees=True):
    """Refuse a service's own call into a method that does not name it, and an employee's call into a method
    meant for services only (`employees=False`); an employee's other calls are checked by data scope."""
    if caller.service is not None and caller.service not in services:
        raise Forbidden(f"the {caller.service} service may not call {method_name}", code="CALLER_NOT_ALLOWED")
    if caller.service is None and not employees:
        raise Forbidden(f"{method_name} is called by services only", code="CALLER_NOT_ALLOWED")


def from_worker(worker_ctx, service_name):
    """Actor and correlation id of a Nameko worker. An RPC worker runs as the caller its entrypoint verified;
    an event or timer worker runs as this service, and gets a token of its own for the calls it makes."""
    from nameko.rpc import Rpc
    data = worker_ctx.data
    token = data.get(ACTOR_KEY)
    if token is None and not isinstance(worker_ctx.entrypoint, Rpc):
        actor = Actor.system(service_name)
        data[ACTOR_KEY] = sign_service(service_name)
    else:
        caller = verify(token)
        actor = caller.actor or Actor.system(caller.service)
    correlation_id = data.get(CORRELATION_KEY) or new_correlation_id()
    return actor, correlation_id
