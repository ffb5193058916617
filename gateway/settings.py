"""Gateway configuration from the environment (safe development defaults; secrets required in production)."""
import secrets
from dataclasses import dataclass

from services.common import config


def _dev_secret(name, env_name):
    value = config.env(env_name)
    if value:
        return value
    if config.env("CARLOAN_ENV", "development") == "production":
        raise RuntimeError(f"{env_name} must be set in production")
    # Kept in the data dir so every gunicorn worker (and a restart) signs with the same key.
    path = config.data_dir() / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass(frozen=True)
class Settings:
    jwt_secret: str
    jwt_audience: str
    jwt_issuer: str
    token_ttl_seconds: int
    principal_ttl_seconds: float
    rpc_timeout_seconds: float
    amqp_uri: str
    services: tuple

    @classmethod
    def from_env(cls, **overrides):
        values = dict(
            jwt_secret=_dev_secret("jwt-secret", "CARLOAN_JWT_SECRET"),
            jwt_audience=config.env("CARLOAN_JWT_AUDIENCE", "carloan-api"),
            jwt_issuer=config.env("CARLOAN_JWT_ISSUER", "carloan-gateway"),
            token_ttl_seconds=config.env_int("CARLOAN_TOKEN_TTL_SECONDS", 8 * 3600),
            principal_ttl_seconds=config.env_float("CARLOAN_PRINCIPAL_TTL_SECONDS", 5.0),
            rpc_timeout_seconds=config.env_float("CARLOAN_RPC_TIMEOUT_SECONDS", 10.0),
            amqp_uri=config.amqp_uri(),
            services=tuple(s for s in config.env("CARLOAN_SERVICES", "org").split(",") if s),
        )
        values.update(overrides)
        return cls(**values)
