"""Production settings: refuse to start without their secrets, and pass ``check --deploy``.

Each case runs Django in a fresh subprocess with a controlled environment, because settings
are read once per process.
"""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from portal.settings.base import _REQUIRED_IN_PRODUCTION

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SETTINGS_MODULE": "portal.settings.base",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "DATABASE_URL": "sqlite:////tmp/portal-settings-test.sqlite3",
    "ALLOWED_HOSTS": "portal.example.org",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "STRIPE_SECRET_KEY": "sk_test_settings",
    "STRIPE_WEBHOOK_SECRET": "whsec_settings",
    "EMAIL_URL": "smtp://portal:secret@smtp.example.org:587",
    "DEFAULT_FROM_EMAIL": "Employer portal <noreply@portal.example.org>",
    "PORTAL_BASE_URL": "https://portal.example.org",
    "MESSAGING_EMAIL_BACKEND": "django",  # email by EMAIL_URL; Notify's own settings tested below
}


def _run(args: list[str], env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    # A clean environment: nothing leaks in from the developer's shell or CI.
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, *args], env={**base, **env}, cwd=settings.BASE_DIR,
        capture_output=True, text=True, timeout=timeout,
    )


def test_every_production_secret_is_in_the_example_environment():
    assert set(_REQUIRED_IN_PRODUCTION) <= set(PRODUCTION_ENV)


@pytest.mark.skipif((settings.BASE_DIR / ".env").exists(), reason="a local .env file would supply the secrets")
def test_production_refuses_to_start_without_its_secrets():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k not in ("SECRET_KEY", "STRIPE_SECRET_KEY")}
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Production settings need these environment variables: SECRET_KEY, STRIPE_SECRET_KEY" in result.stderr


@pytest.mark.skipif((settings.BASE_DIR / ".env").exists(), reason="a local .env file would supply the secrets")
def test_production_with_nothing_set_names_every_missing_variable():
    result = _run(["-c", "import django; django.setup()"], {"DJANGO_ENV": "production",
                                                            "DJANGO_SETTINGS_MODULE": "portal.settings.base"})
    assert result.returncode != 0
    for name in _REQUIRED_IN_PRODUCTION:
        assert name in result.stderr


def _compose_placeholders() -> dict[str, str]:
    """The ``${NAME:-placeholder}`` defaults docker-compose.yml gives the secrets."""
    compose = (settings.BASE_DIR / "docker-compose.yml").read_text()
    found = dict(re.findall(r"\$\{(\w+):-([^}]*)\}", compose))
    return {name: found[name] for name in ("SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET")}


def test_production_refuses_the_placeholder_secrets_docker_compose_shows():
    placeholders = _compose_placeholders()
    assert placeholders["STRIPE_SECRET_KEY"] == "sk_test_change_me"  # what the file shows today
    result = _run(["manage.py", "check"], {**PRODUCTION_ENV, **placeholders})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert ("Production settings refuse placeholder or weak secrets: SECRET_KEY (a placeholder); "
            "STRIPE_SECRET_KEY (a placeholder); STRIPE_WEBHOOK_SECRET (a placeholder)") in result.stderr
    for value in placeholders.values():
        assert value not in result.stderr  # a secret's value is never printed


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("SECRET_KEY", "insecure-development-key-do-not-use-in-production", "a placeholder"),
        ("SECRET_KEY", "django-insecure-" + secrets.token_urlsafe(50), "a placeholder"),
        ("SECRET_KEY", "Change-Me-" + secrets.token_urlsafe(50), "a placeholder"),
        ("SECRET_KEY", secrets.token_urlsafe(20), "too short or too simple"),
        ("SECRET_KEY", "a" * 60, "too short or too simple"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_development", "a placeholder"),
        ("STRIPE_SECRET_KEY", "sk_live_changeme", "a placeholder"),
        ("HEALTHZ_TOKEN", "change-me-" + secrets.token_urlsafe(32), "a placeholder"),
        ("HEALTHZ_TOKEN", "short-token", "too short or too simple"),
    ],
)
def test_production_refuses_other_placeholder_or_weak_secrets(name, value, problem):
    result = _run(["-c", "import django; django.setup()"], {**PRODUCTION_ENV, name: value})
    assert result.returncode != 0
    assert f"Production settings refuse placeholder or weak secrets: {name} ({problem})." in result.stderr


def test_production_starts_with_docker_composes_database_password_and_a_healthz_token():
    """The PostgreSQL password "portal" in docker-compose.yml's DATABASE_URL is accepted: that
    database is only reachable on the compose network (README, Configuration)."""
    compose = (settings.BASE_DIR / "docker-compose.yml").read_text()
    database_url = re.search(r"DATABASE_URL: (\S+)", compose).group(1)
    assert database_url == "postgres://portal:portal@db:5432/portal"
    env = {**PRODUCTION_ENV, "DATABASE_URL": database_url, "HEALTHZ_TOKEN": secrets.token_urlsafe(32)}
    result = _run(["-c", "import django; django.setup(); print('started')"], env)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_check_deploy_is_clean_with_every_secret_given():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_are_secure():
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'ssl': s.SECURE_SSL_REDIRECT, "
        "'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE, "
        "'hsts': s.SECURE_HSTS_SECONDS, 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
        "'email': s.EMAIL_BACKEND, 'rate_limits': bool(s.ACCOUNT_RATE_LIMITS), "
        "'verification': s.ACCOUNT_EMAIL_VERIFICATION, "
        "'static': s.STORAGES['staticfiles']['BACKEND']}))"
    )
    result = _run(["-c", script], PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["debug"] is False
    assert values["ssl"] and values["session_secure"] and values["csrf_secure"]
    assert values["hsts"] >= 31536000
    assert values["eager"] is False  # a real broker in production
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["rate_limits"] is True
    assert values["verification"] == "mandatory"
    assert values["static"].startswith("whitenoise.")


def test_production_through_notify_refuses_to_start_without_notifys_settings():
    env = {**PRODUCTION_ENV, "MESSAGING_EMAIL_BACKEND": "notify", "NOTIFY_API_KEY": "key-from-notify"}
    result = _run(["-c", "import django; django.setup()"], env)
    assert result.returncode != 0
    assert "NOTIFY_BASE_URL, NOTIFY_CALLBACK_TOKEN" in result.stderr
    complete = {**env, "NOTIFY_BASE_URL": "https://api.notifications.service.gov.uk",
                "NOTIFY_CALLBACK_TOKEN": secrets.token_urlsafe(32)}
    assert _run(["-c", "import django; django.setup()"], complete).returncode == 0
