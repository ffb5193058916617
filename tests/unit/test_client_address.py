"""Which address a login is counted and audited under (gateway/client_address.py)."""
import pytest

from gateway.client_address import ClientAddress, resolve
from gateway.settings import parse_networks

PROXIES = parse_networks("10.0.0.0/8, 192.168.1.10")


def test_without_trusted_proxies_the_socket_peer_is_the_client():
    assert resolve("198.51.100.7", "203.0.113.1", ()) == "198.51.100.7"


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored():
    assert resolve("198.51.100.7", "203.0.113.1", PROXIES) == "198.51.100.7"


def test_a_trusted_proxy_names_the_client_and_only_its_own_hop_is_believed():
    assert resolve("192.168.1.10", "203.0.113.1", PROXIES) == "203.0.113.1"
    # The client wrote a made-up first hop; the proxy appended the address it really saw.
    assert resolve("192.168.1.10", "1.2.3.4, 203.0.113.1", PROXIES) == "203.0.113.1"
    # Two proxies of ours in a row: the first address that is not ours.
    assert resolve("10.0.0.2", "203.0.113.1, 10.0.0.9", PROXIES) == "203.0.113.1"


def test_a_malformed_hop_keeps_the_last_address_a_proxy_vouched_for():
    assert resolve("192.168.1.10", "not-an-address", PROXIES) == "192.168.1.10"
    assert resolve("10.0.0.2", "garbage, 10.0.0.9", PROXIES) == "10.0.0.9"
    assert resolve("192.168.1.10", None, PROXIES) == "192.168.1.10"


def test_the_middleware_rewrites_remote_addr_and_keeps_the_peer():
    seen = {}
    app = ClientAddress(lambda environ, start_response: seen.update(environ), PROXIES)
    app({"REMOTE_ADDR": "192.168.1.10", "HTTP_X_FORWARDED_FOR": "203.0.113.1"}, None)
    assert seen["REMOTE_ADDR"] == "203.0.113.1" and seen["carloan.peer_addr"] == "192.168.1.10"


def test_a_bad_trusted_proxy_setting_is_refused_at_start():
    with pytest.raises(ValueError, match="CARLOAN_TRUSTED_PROXIES"):
        parse_networks("10.0.0.0/8, proxy.internal")
    assert parse_networks("") == ()
