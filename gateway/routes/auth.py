"""`/auth/login`, `/auth/password` and `/me`."""
from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway.rpc import call
from gateway.audit import client_address
from gateway.auth import allowed_before_password_change, authenticated, issue_token, public
from gateway.schemas.auth import LoginSchema, MeSchema, PasswordChangeSchema, TokenSchema

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="登录与当前用户 Login and current user")


@blp.route("/auth/login")
class Login(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(200, TokenSchema)
    @public
    def post(self, credentials):
        """Log in with username and password; returns a bearer token.

        Failed logins are throttled (429 `LOGIN_THROTTLED` with `Retry-After`) per client address and username,
        per client address, and more slowly per username. With `must_change_password: true` (someone else set
        the password) the token serves only `POST /auth/password` and `GET /me` until the password is changed."""
        principal = call("org", "authenticate", credentials["username"], credentials["password"],
                         client_address=client_address())
        return _token(principal)


@blp.route("/auth/password")
class PasswordChange(MethodView):
    @blp.arguments(PasswordChangeSchema)
    @blp.response(200, TokenSchema)
    @authenticated
    @allowed_before_password_change
    def post(self, data):
        """Change one's own password, giving the current one (422 `WRONG_PASSWORD`; wrong guesses count as failed
        logins). Every older token stops working: the answer carries a new one."""
        principal = call("org", "change_password", data, client_address=client_address())
        current_app.extensions["carloan"].principals.drop(principal["id"])
        return _token(principal)


def _token(principal):
    settings = current_app.extensions["carloan"].settings
    return {"access_token": issue_token(settings, principal), "token_type": "Bearer",
            "expires_in": settings.token_ttl_seconds,
            "must_change_password": bool(principal.get("must_change_password"))}


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    @authenticated
    @allowed_before_password_change
    def get(self):
        """The logged-in employee: roles, permissions, department and data scope."""
        return g.principal
