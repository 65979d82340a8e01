"""Settings come from the environment: safe for local use, strict in production."""

import os

from tests import utils


def manage(*args, **env):
    """manage.py with the environment's settings but for `env`, DEBUG and SECRET_KEY unset."""
    unset = ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env)
    return utils.manage(*args, env=environment, check=False)


def test_production_settings_pass_the_deployment_check():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 64 + "-production-secret-with-enough-entropy-1234567890",
        ALLOWED_HOSTS="archive.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_secret_key_outside_debug_is_a_clear_error():
    result = manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
