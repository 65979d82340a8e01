"""A source fetched from the address a curator gives: http(s) only, within a size and a time
limit, and never from a private, loopback or otherwise internal address. The host is resolved
and every address it names is checked before any connection; the connection then goes to the
address that was checked, so a second resolution cannot send it elsewhere. Redirects are
followed the same way, a few at most."""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings

REDIRECTS = 3
TIMEOUT = 15  # seconds for the connection and each read
_SUFFIXES = {"text/plain": ".txt", "text/html": ".html", "application/pdf": ".pdf"}


class FetchError(Exception):
    """Why the address gave no source, in one sentence for the curator."""


@dataclass(frozen=True)
class Fetched:
    name: str  # a file name for the source, from the address and its type
    data: bytes


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` names (a seam: tests give their own)."""
    try:
        return sorted(
            {info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
        )
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"{host}: no such host ({error}); check the address.") from None


def fetch(url: str, limit: int) -> Fetched:
    """The body at `url`, at most `limit` bytes."""
    for _ in range(REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"{url[:200]}: only http and https addresses can be fetched.")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = _public_address(parts.hostname, port)
        connection = _connection(parts.scheme, parts.hostname, address, port)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("GET", path, headers={"User-Agent": "caj-archive-workbench"})
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location"))
                continue
            if response.status != 200:
                raise FetchError(
                    f"{url[:200]}: the server answered {response.status}; check the address."
                )
            data = response.read(limit + 1)
        except (OSError, http.client.HTTPException) as error:
            raise FetchError(f"{url[:200]}: the page could not be fetched ({error}).") from None
        finally:
            connection.close()
        if len(data) > limit:
            raise FetchError(
                f"{url[:200]}: the page is larger than {limit // 2**20} MB, the limit for a source."
            )
        return Fetched(_name(parts.path, response.getheader("Content-Type") or ""), data)
    raise FetchError(f"{url[:200]}: more than {REDIRECTS} redirects; give the page's own address.")


def _public_address(host: str, port: int) -> str:
    addresses = resolve(host, port)
    if not addresses:
        raise FetchError(f"{host}: no such host; check the address.")
    if not settings.WORKBENCH_FETCH_PRIVATE:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise FetchError(
                    f"{host} is a private or internal address ({address}); the workbench fetches "
                    "only public pages. Save the page and upload the file instead."
                )
    return addresses[0]


def _connection(scheme: str, host: str, address: str, port: int):
    """A connection to the address checked, which says `host` to the server (and to TLS)."""
    if scheme == "http":

        class PinnedHTTP(http.client.HTTPConnection):
            def connect(self):
                self.sock = socket.create_connection((address, port), TIMEOUT)

        return PinnedHTTP(host, port, timeout=TIMEOUT)
    context = ssl.create_default_context()

    class PinnedHTTPS(http.client.HTTPSConnection):
        def connect(self):
            sock = socket.create_connection((address, port), TIMEOUT)
            self.sock = context.wrap_socket(sock, server_hostname=host)

    return PinnedHTTPS(host, port, timeout=TIMEOUT, context=context)


def _name(path: str, content_type: str) -> str:
    """A source file name: the address's last part, with the suffix its type gives."""
    stem = PurePosixPath(unquote(path)).name or "page"
    kind = content_type.split(";")[0].strip().lower()
    suffix = _SUFFIXES.get(kind, PurePosixPath(stem).suffix.lower() or ".html")
    stem = PurePosixPath(stem).stem or "page"
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in stem)[:80] or "page"
    return safe + suffix
