"""Operations and documentation: `/healthz`, `/readyz`, `/api/openapi.json`, `/api/docs`."""
import copy

from flask import Response, current_app, jsonify, send_from_directory
from kombu import Connection

from gateway.auth import public
from gateway.problems import CONTENT_TYPE as PROBLEM

DOCS_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>车贷管理系统 API</title>
<link rel="stylesheet" href="/api/docs/static/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/static/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/api/openapi.json", dom_id: "#swagger-ui",
  persistAuthorization: true});</script></body></html>"""


def openapi_document(api):
    """The spec, with error responses declared as application/problem+json (what we send)."""
    spec = copy.deepcopy(api.spec.to_dict())
    for response in spec.get("components", {}).get("responses", {}).values():
        content = response.get("content", {})
        if "application/json" in content:
            content[PROBLEM] = content.pop("application/json")
    for path in spec.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                if status not in ("default",) and status.startswith(("4", "5")):
                    content = response.get("content", {})
                    if "application/json" in content:
                        content[PROBLEM] = content.pop("application/json")
    return spec


def register(app):
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
        return jsonify(openapi_document(current_app.extensions["carloan"].api))

    @app.get("/api/docs")
    @public
    def docs():
        return Response(DOCS_PAGE, mimetype="text/html")

    @app.get("/api/docs/static/<path:filename>")
    @public
    def docs_static(filename):
        from swagger_ui_bundle import swagger_ui_path
        return send_from_directory(swagger_ui_path, filename, max_age=86400)
