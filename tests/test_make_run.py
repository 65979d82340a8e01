"""`make run` as a newcomer meets it: the port is tried before any set-up, no step tells the
reader to do what the next step does, and stopping make stops the server."""

import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.utils import ROOT, free_port, port_open

pytestmark = pytest.mark.slow


def make_run(port: int, var: os.PathLike) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env["ARCHIVE_VAR_DIR"] = str(var)
    return subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_taken_port_stops_make_run_before_any_set_up(tmp_path):
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        run = make_run(port, tmp_path / "var")
        output, _ = run.communicate(timeout=60)
    assert run.returncode != 0
    assert f"Port {port} on 127.0.0.1 is in use" in output and "make run PORT=" in output
    assert "migrate" not in output and not (tmp_path / "var").exists()


def test_make_run_serves_the_archive_and_stops_with_make(tmp_path):
    port = free_port()
    run = make_run(port, tmp_path / "var")
    try:
        deadline = time.monotonic() + 180
        while not port_open(port):
            assert run.poll() is None, run.stdout.read()
            assert time.monotonic() < deadline, "make run did not serve in 180 s"
            time.sleep(0.5)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/search/?q=GOSAT") as page:
            assert "clauses match" in page.read().decode()
    finally:
        run.send_signal(signal.SIGTERM)  # to make alone, as a process manager stops it
        output, _ = run.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while port_open(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not port_open(port), "the server outlived make"
    assert "make index" not in output  # the index is built before the import needs it
