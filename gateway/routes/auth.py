"""`/auth/login` and `/me`."""
from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway.app import call
from gateway.audit import client_address
from gateway.auth import authenticated, issue_token, public
from gateway.schemas import LoginSchema, MeSchema, TokenSchema

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="登錄與當(dāng)前用戶 Login and current user")


@blp.route("/auth/login")
class Login(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, TokenSchema)
    @public
    def post(self, credentials):
        """Log in with username and password; returns a bearer token."""
        settings = current_app.extensions["carloan"].settings
        principal = call("org", "authenticate", credentials["username"], credentials["password"],
                         client_address=client_address())
        return {"access_token": issue_token(settings, principal), "token_type": "Bearer",
                "expires_in": settings.token_ttl_seconds}


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    @authenticated
    def get(self):
        """The logged-in employee: roles, permissions, department and data scope."""
        return g.principal
