"""Gateway configuration from the environment (safe development defaults; secrets required in production)."""
import ipaddress
from dataclasses import dataclass

from services.common import config

# The services `/readyz` asks when CARLOAN_SERVICES is not set.
DEFAULT_SERVICES = "org,customer,collateral,loan,finance,collection,document"


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
    # Reverse proxies whose X-Forwarded-For is believed (ip_network objects); none by default.
    trusted_proxies: tuple = ()
    # The built staff console (web/dist); unset: the one in this checkout.
    console_directory: str = ""
    # How long GET /inbox waits for the services it asks before answering without the late ones.
    inbox_timeout_seconds: float = 3.0

    @classmethod
    def from_env(cls, **overrides):
        values = dict(
            jwt_secret=config.secret("CARLOAN_JWT_SECRET", "jwt-secret"),
            jwt_audience=config.env("CARLOAN_JWT_AUDIENCE", "carloan-api"),
            jwt_issuer=config.env("CARLOAN_JWT_ISSUER", "carloan-gateway"),
            token_ttl_seconds=config.env_int("CARLOAN_TOKEN_TTL_SECONDS", 8 * 3600),
            principal_ttl_seconds=config.env_float("CARLOAN_PRINCIPAL_TTL_SECONDS", 5.0),
            rpc_timeout_seconds=config.env_float("CARLOAN_RPC_TIMEOUT_SECONDS", 10.0),
            amqp_uri=config.amqp_uri("gateway"),
            services=tuple(s for s in config.env("CARLOAN_SERVICES", DEFAULT_SERVICES).split(",") if s),
            trusted_proxies=parse_networks(config.env("CARLOAN_TRUSTED_PROXIES", "")),
            console_directory=config.env("CARLOAN_CONSOLE_DIR", ""),
            inbox_timeout_seconds=config.env_float("CARLOAN_INBOX_TIMEOUT_SECONDS", 3.0),
        )
        values.update(overrides)
        return cls(**values)


def parse_networks(text):
    """`CARLOAN_TRUSTED_PROXIES`: addresses or CIDRs, comma-separated ("10.0.0.0/8, 192.168.1.10")."""
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if item:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"CARLOAN_TRUSTED_PROXIES: {item!r} is not an address or CIDR") from None
    return tuple(networks)
