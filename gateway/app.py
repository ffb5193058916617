"""The gateway's app factory: `create_app()` wires settings, RPC, auth, errors, routes and metrics."""
import re
import time
import uuid
from dataclasses import dataclass

import flask_smorest
from flask import Flask, g, request
from werkzeug.exceptions import HTTPException

from gateway import audit, auth, console, i18n, metrics, openapi, problems
from gateway.client_address import ClientAddress
from gateway.events import start_invalidation_listener
from gateway.routes import audit as audit_routes
from gateway.routes import auth as auth_routes
from gateway.routes import collateral, collection, customers, dashboard, documents, finance, inbox, loans, ops, org
from gateway.rpc import RpcClient
from gateway.schemas.common import ProblemSchema
from gateway.settings import Settings
from services.common import context
from services.common.errors import Forbidden


CORRELATION_HEADER = "X-Correlation-ID"
_CORRELATION_RE = re.compile(r"[A-Za-z0-9._-]{1,64}\Z", re.ASCII)
_UNDECLARED = object()


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error):
        return problems.from_http_exception(error)


@dataclass
class Gateway:
    """What the views reach through `current_app.extensions["carloan"]`."""
    settings: Settings
    rpc: RpcClient
    probe_rpc: RpcClient
    principals: auth.PrincipalCache
    api: Api


def _view_target(view, method):
    if method == "HEAD":
        method = "GET"  # Flask answers HEAD with the GET view
    view_class = getattr(view, "view_class", None)
    return getattr(view_class, method.lower(), None) if view_class else view


def _required_permission(view, method):
    if method == "OPTIONS":
        return None
    return getattr(_view_target(view, method), "required_permission", _UNDECLARED)


def create_app(settings=None, start_listener=True):
    settings = settings or Settings.from_env()
    app = Flask(__name__, static_folder=None)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.config.update(
        API_TITLE="车贷管理系统 Car-loan platform API", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        MAX_CONTENT_LENGTH=1024 * 1024,
        API_SPEC_OPTIONS={"info": {"description": "Gateway of the car-loan management platform. "
                                                  "Errors are application/problem+json with a stable `code`."}},
    )
    api = Api(app, spec_kwargs={"extra_plugins": [openapi.ContractPlugin(app)]})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                       "bearerFormat": "JWT"})
    app.extensions["carloan"] = Gateway(
        settings=settings, rpc=RpcClient(settings.amqp_uri, settings.rpc_timeout_seconds),
        probe_rpc=RpcClient(settings.amqp_uri, 2.0),
        principals=auth.PrincipalCache(settings.principal_ttl_seconds), api=api)

    if settings.trusted_proxies:  # else REMOTE_ADDR is the socket's peer, and X-Forwarded-For is ignored
        app.wsgi_app = ClientAddress(app.wsgi_app, settings.trusted_proxies)
    problems.register(app)
    i18n.register(app)
    # flask-smorest registers its own HTTPException handler; ours answers every error the same way.
    app.register_error_handler(HTTPException, problems.from_http_exception)

    for routes in (auth_routes, org, customers, collateral, loans, finance, collection, audit_routes, inbox,
                   dashboard, documents):
        api.register_blueprint(routes.blp)
    ops.register(app, api)
    metrics.register(app)

    @app.before_request
    def gate():
        g.started = time.perf_counter()
        incoming = request.headers.get(CORRELATION_HEADER, "")
        g.correlation_id = incoming if _CORRELATION_RE.match(incoming) else uuid.uuid4().hex
        context.bind(g.correlation_id)
        view = app.view_functions.get(request.endpoint)
        if view is None:
            return None  # 404 / 405 answered by Flask
        permission = _required_permission(view, request.method)
        if permission is not None:
            g.actor, g.principal = auth.authenticate()
            if permission is _UNDECLARED:
                # Fail closed: a route that forgot to declare its permission serves nobody.
                raise Forbidden("this route declares no permission", code="ROUTE_UNDECLARED")
            auth.check_password_change(g.principal, _view_target(view, request.method))
            auth.check_permission(g.actor, permission)
        problems.check_json_body(request)  # after authentication: a stranger learns nothing of the body
        return None

    @app.after_request
    def tag(response):
        response.headers[CORRELATION_HEADER] = g.get("correlation_id", "")
        # Answers are personal data and money: never sniffed into something else, never kept by a cache.
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.after_request
    def audit_refusal(response):
        if response.status_code == 403:
            audit.record_refusal(response)  # never raises: the answer stays the 403 it is
        return response

    @app.teardown_request
    def unbind(_exc):
        context.bind(None)

    console.register(app, settings.console_directory)  # after `gate`: its answers get a correlation id too

    if start_listener:
        start_invalidation_listener(settings.amqp_uri, app.extensions["carloan"].principals)
    return app
