"""The client's address, as login throttling and the audit log see it.

It is the socket's peer, unless that peer is one of the reverse proxies named in `CARLOAN_TRUSTED_PROXIES`: then
`X-Forwarded-For` is read from the right (each proxy appends the address it received from), skipping the trusted
proxies, and the first address not trusted is the client's. Anybody else's `X-Forwarded-For` is their own claim
and is ignored, so a client cannot pick the address its failed logins are counted under.
"""
import ipaddress

PEER_KEY = "carloan.peer_addr"


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks):
    return any(address in network for network in networks)


def resolve(peer, forwarded_for, trusted):
    """The client's address given the socket peer, the `X-Forwarded-For` header (or None) and the trusted
    networks. A malformed hop ends the walk: the last address vouched for by a trusted proxy is kept."""
    current = _address(peer or "")
    if current is None or not trusted or not _trusted(current, trusted):
        return peer
    for hop in reversed((forwarded_for or "").split(",")):
        address = _address(hop)
        if address is None:
            break
        current = address
        if not _trusted(address, trusted):
            break
    return str(current)


class ClientAddress:
    """WSGI middleware: `REMOTE_ADDR` becomes the client's address (`resolve`); the socket's peer stays in
    `environ["carloan.peer_addr"]`."""

    def __init__(self, app, trusted):
        self.app, self.trusted = app, tuple(trusted)

    def __call__(self, environ, start_response):
        peer = environ.get("REMOTE_ADDR")
        environ[PEER_KEY] = peer
        environ["REMOTE_ADDR"] = resolve(peer, environ.get("HTTP_X_FORWARDED_FOR"), self.trusted)
        return self.app(environ, start_response)
