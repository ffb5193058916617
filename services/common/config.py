"""Configuration from environment variables, with safe development defaults."""
import os
from pathlib import Path

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"


def env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_int(name, default):
    return int(env(name, default))


def env_float(name, default):
    return float(env(name, default))


def data_dir():
    path = Path(env("CARLOAN_DATA_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(service_name):
    """`<SERVICE>_DATABASE_URL`, else an SQLite file of the service under the data dir."""
    url = env(f"{service_name.upper()}_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / (service_name + '.db')}"


def amqp_uri(user=None):
    """`<USER>_AMQP_URI` (each service and the gateway with a broker user of its own), else `CARLOAN_AMQP_URI`."""
    return (user and env(f"{user.upper()}_AMQP_URI")) or env("CARLOAN_AMQP_URI", DEFAULT_AMQP_URI)


def nameko_config(service_name=None, **overrides):
    config = {
        "AMQP_URI": amqp_uri(service_name),
        "max_workers": env_int("CARLOAN_MAX_WORKERS", 10),
        "serializer": "json",
    }
    config.update(overrides)
    return config


# Default metrics port per service, so a developer can run them all on one machine.
METRICS_PORTS = {
    "org": 9101,
    "customer": 9102,
    "loan": 9103,
    "finance": 9104,
    "collateral": 9105,
    "collection": 9106,
    "document": 9107,
}


def metrics_port(service_name):
    return env_int(f"{service_name.upper()}_METRICS_PORT", METRICS_PORTS.get(service_name, 9100))


def secret(env_name, file_name, nbytes=48):
    """A secret from the environment; in development, a random one kept in the data dir (so every process
    and every restart uses the same); in production (`CARLOAN_ENV=production`) it must be set."""
    import secrets
    value = env(env_name)
    if value:
        return value
    if env("CARLOAN_ENV", "development") == "production":
        raise RuntimeError(f"{env_name} must be set in production")
    path = data_dir() / file_name
    try:  # created once, atomically: processes starting together must not each write a different one
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(nbytes) + "\n")
    for _ in range(50):  # another process may have created it a moment ago and be writing it
        value = path.read_text().strip()
        if value:
            return value
        import time
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty")
