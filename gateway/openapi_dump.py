"""`python -m gateway.openapi_dump [path]`: the gateway's OpenAPI document (gateway/openapi.py) as JSON, written from
the code alone: no broker, no secret, nothing connects (for client generators and `npm run types`)."""
import json
import sys

from gateway.app import create_app
from gateway.openapi import document
from gateway.settings import Settings


def offline_app():
    """The gateway app, built only to describe itself: no secret is read or created, nothing connects."""
    settings = Settings(jwt_secret="unused", jwt_audience="carloan-api", jwt_issuer="carloan-gateway",
                        token_ttl_seconds=0, principal_ttl_seconds=0, rpc_timeout_seconds=1,
                        amqp_uri="memory://", services=())
    return create_app(settings, start_listener=False)


def dumps(spec):
    """The document as text that changes only when the document does: sorted keys, two-space indents."""
    return json.dumps(spec, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) > 1 or (argv and argv[0].startswith("-") and argv[0] != "-"):
        print("usage: python -m gateway.openapi_dump [path]   (the OpenAPI document as JSON; stdout without path)",
              file=sys.stderr)
        return 2
    app = offline_app()
    text = dumps(document(app.extensions["carloan"].api))
    if argv and argv[0] != "-":
        with open(argv[0], "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
