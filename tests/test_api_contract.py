"""Schemathesis, a real API client, against the production server: every operation of /api/
with all its checks, in all its phases (the description's examples, its boundaries and wrong
methods, generated requests, and walks along the description's links)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from archive.api import openapi_description
from tests.utils import gunicorn, production_environment

pytestmark = pytest.mark.nodes

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
# Enough generated requests per operation to reach each parameter's edges (about 1,300 in all,
# 20 s); the seed makes a failure reproducible with the same command.
EXAMPLES = "100"
SEED = "1"


def test_schemathesis_finds_no_contract_break_in_the_api(tmp_path):
    env = production_environment(tmp_path / "archive")
    with gunicorn(env, tmp_path / "server.log") as (_, port, _):
        base = f"http://127.0.0.1:{port}"
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{base}/api/?format=json",
                "--url",
                base,
                "--checks",
                "all",
                "--max-examples",
                EXAMPLES,
                "--seed",
                SEED,
                "--no-color",
                "--generation-database",
                "none",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=900,
        )
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    # Every operation it found was selected and tested; it finds all but /api/ itself.
    selected, found, tested = map(
        int, re.search(r"Selected: (\d+)/(\d+)\n  Tested: (\d+)", run.stdout).groups()
    )
    assert selected == found == tested == len(openapi_description()["paths"]) - 1
