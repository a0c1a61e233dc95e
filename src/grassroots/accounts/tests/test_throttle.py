"""Login throttling: per username from any address, per address for any username, addresses from trusted
proxies only (accounts/throttle.py, core/proxy.py)."""

import ipaddress

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from grassroots.conftest import PASSWORD
from grassroots.core.proxy import client_ip

PROXY = "10.0.0.2"


def attempt(client, username, password="wrong", ip="198.51.100.1", **headers):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **headers)


@pytest.fixture
def trusted_proxy(settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network(PROXY)]


def test_five_failures_lock_the_username_from_every_address(cast, client):
    for n in range(4):
        assert attempt(client, "grid_g1", ip=f"198.51.100.{n + 1}").status_code == 200
    assert attempt(client, "grid_g1", ip="198.51.100.5").status_code == 429  # the fifth failure locks
    locked = attempt(client, "grid_g1", PASSWORD, ip="192.0.2.77")
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode() and "15" in locked.content.decode()
    assert attempt(client, "staff_s1", PASSWORD, ip="192.0.2.77").status_code == 302  # others are not locked


def test_twenty_failures_lock_the_address_for_every_username(cast, client):
    for n in range(20):
        attempt(client, f"guess{n}", ip="203.0.113.5")
    assert attempt(client, "staff_s1", PASSWORD, ip="203.0.113.5").status_code == 429
    assert attempt(client, "staff_s1", PASSWORD, ip="203.0.113.6").status_code == 302


def test_fewer_failures_lock_nothing_and_a_success_clears_only_its_own(cast, client):
    for _ in range(4):
        attempt(client, "grid_g1")
    assert attempt(client, "grid_g1", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="grid_g1").exists()


def test_logging_in_to_ones_own_account_does_not_reset_the_addresss_count(cast, client):
    """With axes' own reset, each success wiped the address's failures: 19 guesses, one real login, repeat."""
    for n in range(19):
        attempt(client, f"victim{n}", ip="203.0.113.5")
    assert attempt(client, "resident", PASSWORD, ip="203.0.113.5").status_code == 302
    client.logout()
    attempt(client, "victim19", ip="203.0.113.5")
    assert attempt(client, "staff_s1", PASSWORD, ip="203.0.113.5").status_code == 429


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(cast, client, trusted_proxy):
    for n in range(20):
        attempt(client, f"guess{n}", ip="203.0.113.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    spoofed = attempt(client, "staff_s1", PASSWORD, ip="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert spoofed.status_code == 429


def test_through_the_trusted_proxy_the_client_address_counts(cast, client, trusted_proxy):
    for n in range(20):
        attempt(client, f"guess{n}", ip=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    # The attacker behind the proxy is locked; another client of the same proxy is not.
    assert attempt(client, "staff_s1", PASSWORD, ip=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert attempt(client, "staff_s1", PASSWORD, ip=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.5", "192.0.2.1", "203.0.113.5"),  # not a proxy: the header is the client's word
        (PROXY, "192.0.2.1", "192.0.2.1"),
        (PROXY, "6.6.6.6, 192.0.2.1", "192.0.2.1"),  # the left part was written by the client
        (PROXY, "192.0.2.1, 10.0.0.2", "192.0.2.1"),  # our own proxy chain is skipped
        (PROXY, "", PROXY),
        (PROXY, "not-an-address", PROXY),
        (PROXY, "6.6.6.6, garbage", PROXY),
    ],
)
def test_the_client_address_is_read_from_the_right_of_the_trusted_chain(trusted_proxy, peer, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
