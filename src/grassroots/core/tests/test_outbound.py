"""The outbound fetch helper: what it refuses before any connection, what it pins, what it will not follow or
read, and how it bounds time. Every server here listens on 127.0.0.1, let through by an explicit allowance;
every refused address is refused before a socket is opened (`no_dial` fails the test otherwise)."""

import datetime as dt
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from grassroots.core import outbound
from grassroots.core.outbound import OutboundRefused


class Server:
    """A local HTTP server whose handler is `respond(handler)`; it records the requests it got."""

    def __init__(self, respond, tls: ssl.SSLContext | None = None):
        self.received, self.respond = [], respond
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                outer.received.append(dict(self.headers))
                outer.respond(self)

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.do_GET()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}/hook?x=1"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def answer(status=200, body=b"ok", headers=()):
    def respond(handler):
        handler.send_response(status)
        for name, value in headers:
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return respond


@pytest.fixture
def serve():
    servers = []

    def start(respond, **kwargs):
        servers.append(Server(respond, **kwargs))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def local(settings):
    """The test suite's explicit allowance for its own servers on loopback."""
    settings.OUTBOUND_ALLOW_HOSTS = ["127.0.0.1"]
    return settings


@pytest.fixture
def no_dial(monkeypatch):
    monkeypatch.setattr(outbound, "_dial", lambda *a: pytest.fail("no connection may be opened"))


@pytest.fixture
def dns(monkeypatch):
    """Fake name resolution: a name maps to a list of answers, or to a function returning them."""
    table, calls = {}, []

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        calls.append(host)
        answers = table[host]() if callable(table.get(host)) else table.get(host)
        if answers is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        out = []
        for address in answers:
            if ip_address(address).version == 6:
                out.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0)))
            else:
                out.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)))
        return out

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    table["calls"] = calls
    return table


def refused(url, **kwargs) -> OutboundRefused:
    with pytest.raises(OutboundRefused) as error:
        outbound.post(url, b"{}", **kwargs)
    return error.value


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.9.9.9:8080/",
        "http://localhost/",
        "http://2130706433/",  # 127.0.0.1 written as one number
        "http://0177.0.0.1/",  # and in octal
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",  # CGNAT
        "http://100.100.100.200/latest/meta-data/",  # Alibaba Cloud metadata
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://[::1]/",
        "http://[::]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/",  # IPv4-mapped metadata
        "http://[2002:7f00:1::]/",  # 6to4 of loopback
        "http://[64:ff9b::a00:1]/",  # NAT64 of 10.0.0.1
        "http://[fe80::1]/",
        "http://[fd00:ec2::254]/",
        "http://[ff02::1]/",
    ],
)
def test_a_private_loopback_or_reserved_address_is_refused_before_connecting(url, no_dial):
    assert refused(url).code == outbound.PRIVATE


def test_public_addresses_pass_the_check():
    for address in ("8.8.8.8", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8", "2002:808:808::", "64:ff9b::808:808"):
        assert outbound.is_public(ip_address(address)), address


def test_a_name_that_resolves_to_a_private_address_is_refused(dns, no_dial):
    dns["intranet.example"] = ["10.0.0.7"]
    assert refused("https://intranet.example/hook").code == outbound.PRIVATE
    dns["mixed.example"] = ["93.184.215.14", "192.168.1.1"]  # one bad answer is enough
    assert refused("https://mixed.example/hook").code == outbound.PRIVATE
    dns["v6.example"] = ["::1"]
    assert refused("https://v6.example/hook").code == outbound.PRIVATE
    assert refused("https://nowhere.example/hook").code == outbound.UNRESOLVABLE


def test_only_http_and_https_and_well_formed_urls(settings, no_dial):
    for url in ("ftp://example.org/x", "file:///etc/passwd", "gopher://example.org/", "javascript:alert(1)", "x"):
        assert refused(url).code == outbound.SCHEME, url
    for url in (
        "https:///no-host",
        "https://user:pw@example.org/",
        "https://example.org:99999/",
        "https://example.org/a b",
        "https://example.org/x\r\nX-Injected: 1",
    ):
        assert refused(url).code == outbound.URL, url
    settings.OUTBOUND_HTTPS_ONLY = True
    assert refused("http://example.org/").code == outbound.SCHEME


def test_an_allowed_host_is_reached_and_the_metadata_address_never(serve, settings, dns):
    server = serve(answer(201, b"created"))
    assert refused(server.url).code == outbound.PRIVATE  # not without the allowance
    settings.OUTBOUND_ALLOW_HOSTS = ["hooks.internal"]  # by name
    dns["hooks.internal"] = ["127.0.0.1"]
    response = outbound.post(f"http://hooks.internal:{server.port}/in", b"{}", headers={"X-Test": "1"})
    assert (response.status, response.body, response.address) == (201, b"created", "127.0.0.1")
    assert server.received[-1]["Host"] == f"hooks.internal:{server.port}" and server.received[-1]["X-Test"] == "1"
    settings.OUTBOUND_ALLOW_HOSTS = ["127.0.0.0/8", "169.254.0.0/16", "100.64.0.0/10"]  # by network
    assert outbound.get(server.url).status == 201
    outbound.validate(server.url)
    with pytest.raises(OutboundRefused):
        outbound.validate("http://169.254.169.254/")
    assert refused("http://100.100.100.200/").code == outbound.PRIVATE


def test_the_vetted_address_is_the_one_connected_to(serve, local, dns):
    """DNS rebinding: the name answers loopback for the check, then another address; only one lookup is made."""
    server = serve(answer())
    answers = iter([["127.0.0.1"], ["127.0.0.2"]])
    dns["rebind.test"] = lambda: next(answers)
    local.OUTBOUND_ALLOW_HOSTS = ["127.0.0.0/8"]
    response = outbound.post(f"http://rebind.test:{server.port}/hook", b"{}")
    assert response.status == 200 and response.address == "127.0.0.1"
    assert dns["calls"] == ["rebind.test"] and server.received[0]["Host"] == f"rebind.test:{server.port}"


def test_a_redirect_is_refused_not_followed(serve, local):
    target = serve(answer())
    redirecting = serve(answer(302, b"", headers=[("Location", target.url)]))
    error = refused(redirecting.url)
    assert (error.code, error.status) == (outbound.REDIRECT, 302) and not target.received
    assert outbound.get(serve(answer(304, b"")).url).status == 304  # not modified is no redirect


def test_a_body_over_the_limit_is_refused(serve, local):
    assert outbound.get(serve(answer(body=b"x" * 1000)).url, max_bytes=1000).body == b"x" * 1000
    assert refused(serve(answer(body=b"x" * 1001)).url, max_bytes=1000).code == outbound.TOO_LARGE

    def undeclared(handler):  # no Content-Length: the size is known only by reading
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(b"y" * 5000)

    error = refused(serve(undeclared).url, max_bytes=1000)
    assert (error.code, error.status) == (outbound.TOO_LARGE, 200)
    local.OUTBOUND_MAX_BYTES = 10
    assert refused(serve(answer(body=b"z" * 11)).url).code == outbound.TOO_LARGE


def test_a_receiver_that_does_not_answer_times_out(serve, local):
    release = threading.Event()
    hanging = serve(lambda handler: release.wait(10))
    local.OUTBOUND_READ_TIMEOUT = 0.3
    try:
        assert refused(hanging.url).code == outbound.TIMEOUT
    finally:
        release.set()


def test_a_receiver_trickling_bytes_is_cut_at_the_total_deadline(serve, local):
    """Each byte comes well within the read timeout; only the deadline over the whole exchange stops it."""
    stop = threading.Event()

    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "400")
        handler.end_headers()
        for _ in range(400):
            if stop.is_set():
                return
            handler.wfile.write(b".")
            handler.wfile.flush()
            time.sleep(0.02)

    server = serve(trickle)
    local.OUTBOUND_READ_TIMEOUT, local.OUTBOUND_TOTAL_TIMEOUT = 2, 0.5
    try:
        assert refused(server.url).code == outbound.TIMEOUT
    finally:
        stop.set()


def test_a_closed_port_is_a_connection_failure(local):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    assert refused(f"http://127.0.0.1:{port}/").code == outbound.CONNECT


def _certificate(directory, name):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def test_https_sends_the_host_name_as_sni_and_checks_the_certificate_for_it(serve, local, dns, tmp_path):
    cert, key = _certificate(tmp_path, "hooks.test")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server = serve(answer(body=b"secure"), tls=context)
    dns["hooks.test"], dns["other.test"] = ["127.0.0.1"], ["127.0.0.1"]
    url = f"https://hooks.test:{server.port}/hook"
    assert refused(url).code == outbound.TLS  # not signed by a CA the system trusts
    local.OUTBOUND_CA_BUNDLE = str(cert)
    response = outbound.post(url, b"{}")
    assert (response.status, response.body) == (200, b"secure")
    assert names[-1] == "hooks.test" and server.received[-1]["Host"] == f"hooks.test:{server.port}"
    assert refused(f"https://other.test:{server.port}/hook").code == outbound.TLS  # certificate is for hooks.test


def test_validate_refuses_what_fetch_would_and_accepts_a_name_not_resolving_yet(dns, no_dial):
    dns["intranet.example"] = ["10.0.0.7"]
    for url in ("http://10.0.0.1/", "https://intranet.example/", "ftp://example.org/", "http://[::1]/"):
        with pytest.raises(OutboundRefused):
            outbound.validate(url)
    outbound.validate("https://later.example/hook")  # the check at each fetch still applies
    dns["public.example"] = ["93.184.215.14"]
    outbound.validate("https://public.example/hook")


def test_the_next_vetted_address_is_tried_when_one_cannot_be_reached(serve, local, dns):
    server = serve(answer(body=b"second"))  # listens on 127.0.0.1 only: 127.0.0.2 refuses the connection
    dns["two.test"] = ["127.0.0.2", "127.0.0.1"]
    local.OUTBOUND_ALLOW_HOSTS = ["127.0.0.0/8"]
    response = outbound.get(f"http://two.test:{server.port}/")
    assert (response.body, response.address) == (b"second", "127.0.0.1")
