"""The production stack as `make serve` runs it: gunicorn with config/gunicorn.conf.py, DEBUG off,
static files from whitenoise.

The server runs in a subprocess against a scratch SQLite archive (whatever DATABASE_URL the
suite runs with), imported with the real fixtures, and a STATIC_ROOT filled by collectstatic.
"""

import gzip
import re
import signal
from pathlib import Path

import pytest

from tests.utils import (
    STARTUP_SECONDS,
    TURKMENISTAN,
    get,
    gunicorn,
    port_open,
    production_environment,
)

pytestmark = pytest.mark.nodes

ONE_YEAR = 365 * 24 * 3600


@pytest.fixture(scope="module")
def production_env(tmp_path_factory):
    return production_environment(tmp_path_factory.mktemp("serving"))


@pytest.fixture(scope="module")
def server(production_env, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("gunicorn") / "server.log"
    with gunicorn(production_env, log_path) as (_, port, _):
        yield port


def stylesheet_href(page: bytes) -> str:
    match = re.search(rb'<link rel="stylesheet" href="([^"]+)"', page)
    assert match, "no stylesheet link on the page"
    return match.group(1).decode()


def test_document_page_is_served_with_its_hashed_stylesheet(server):
    status, _, body = get(server, f"/documents/{TURKMENISTAN}/en/")
    assert status == 200
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", stylesheet_href(body))


def test_stylesheet_is_compressed_and_cached_for_a_year(server, production_env):
    _, _, page = get(server, f"/documents/{TURKMENISTAN}/en/")
    href = stylesheet_href(page)
    collected = (Path(production_env["STATIC_ROOT"]) / href.removeprefix("/static/")).read_bytes()

    status, headers, body = get(server, href, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-type"].startswith("text/css")
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == collected
    max_age = int(re.search(r"max-age=(\d+)", headers["cache-control"]).group(1))
    assert max_age >= ONE_YEAR
    assert "immutable" in headers["cache-control"]

    status, headers, body = get(server, href)
    assert status == 200
    assert "content-encoding" not in headers
    assert body == collected


def test_unknown_page_is_a_plain_404(server):
    status, _, body = get(server, "/no-such-page/")
    assert status == 404
    assert b"URLconf" not in body  # DEBUG's technical 404 page would list the URL patterns


def test_server_logs_requests_and_stops_cleanly_on_sigterm(production_env, tmp_path):
    with gunicorn(production_env, tmp_path / "server.log") as (process, port, log_path):
        assert get(port, "/")[0] == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=STARTUP_SECONDS) == 0
        assert not port_open(port)
        log = log_path.read_text()
    assert "Using worker: gthread" in log
    assert '"GET / HTTP/1.1" 200' in log
    assert "Shutting down: Master" in log
    assert "Traceback" not in log
