"""Operations and documentation: `/healthz`, `/readyz`, `/api/openapi.json`, `/api/docs`."""
from flask import Response, current_app, jsonify, send_from_directory
from kombu import Connection

from gateway import openapi
from gateway.auth import public
from gateway.schemas.ops import HealthSchema

DOCS_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>车贷管理系统 API</title>
<link rel="stylesheet" href="/api/docs/static/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/static/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/api/openapi.json", dom_id: "#swagger-ui",
  persistAuthorization: true});</script></body></html>"""


def register(app, api=None):
    """The operations routes on `app`, described in `api`'s OpenAPI document when given."""
    @app.get("/healthz")
    @public
    def healthz():
        return jsonify(status="ok")

    @app.get("/readyz")
    @public
    def readyz():
        gateway = current_app.extensions["carloan"]
        checks = {}
        try:
            with Connection(gateway.settings.amqp_uri, connect_timeout=2) as connection:
                connection.connect()
            checks["broker"] = "ok"
        except Exception as exc:
            checks["broker"] = f"unreachable: {type(exc).__name__}"
        if checks["broker"] == "ok":
            for service in gateway.settings.services:
                try:
                    gateway.probe_rpc.call(service, "ping")
                    checks[service] = "ok"
                except Exception as exc:
                    checks[service] = f"not answering: {getattr(exc, 'reason', type(exc).__name__)}"
        ready = all(value == "ok" for value in checks.values())
        return jsonify(status="ready" if ready else "not ready", checks=checks), 200 if ready else 503

    @app.get("/api/openapi.json")
    @public
    def openapi_json():
        if "openapi" not in current_app.extensions:  # complete once the app is built: made once, not per request
            current_app.extensions["openapi"] = openapi.document(current_app.extensions["carloan"].api)
        return jsonify(current_app.extensions["openapi"])

    @app.get("/api/docs")
    @public
    def docs():
        return Response(DOCS_PAGE, mimetype="text/html")

    @app.get("/api/docs/static/<path:filename>")
    @public
    def docs_static(filename):
        from swagger_ui_bundle import swagger_ui_path
        return send_from_directory(swagger_ui_path, filename, max_age=86400)

    if api is not None:
        _describe(app, api.spec)


def _describe(app, spec):
    """The operations routes in the OpenAPI document (the problems and operationIds come from gateway.openapi)."""
    spec.tag({"name": "ops", "description": "运维 Operations: liveness, readiness, this document"})
    def health():  # a mapping of its own per response: apispec resolves each in place
        return {"application/json": {"schema": HealthSchema}}
    operations = {
        "healthz": {"summary": "Liveness: the gateway process answers (asks nothing else).",
                    "responses": {"200": {"description": "alive: `{\"status\": \"ok\"}`", "content": health()}}},
        "readyz": {"summary": "Readiness: the broker and every service answer; `checks` says which do not.",
                   "responses": {"200": {"description": "ready", "content": health()},
                                 "503": {"description": "not ready: `checks` names what did not answer (a JSON "
                                                        "report, not a problem)", "content": health()}}},
        "openapi_json": {"summary": "This document (OpenAPI 3).",
                         "responses": {"200": {"description": "the OpenAPI document",
                                               "content": {"application/json": {"schema": {"type": "object"}}}}}},
    }
    for endpoint, operation in operations.items():
        rule = next(app.url_map.iter_rules(endpoint))
        spec.path(rule=rule, operations={"get": {"tags": ["ops"], **operation}})
