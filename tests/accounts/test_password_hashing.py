"""Passwords are stored with Argon2id at or above OWASP's minimum; older hashes upgrade at
sign-in."""

import pytest
from django.contrib.auth.hashers import get_hasher, identify_hasher, make_password
from django.test import override_settings
from django.urls import reverse

from portal.accounts.hashers import PortalArgon2PasswordHasher
from tests.factories.reference import UserFactory

HASHERS = [
    "portal.accounts.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.MD5PasswordHasher",
]


def test_production_settings_put_argon2id_first():
    """Outside tests (which keep MD5 for speed) the first hasher is ours."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_ENV": "development"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    first = subprocess.run(
        [sys.executable, "-c", "from portal.settings import base; print(base.PASSWORD_HASHERS[0])"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert first == "portal.accounts.hashers.PortalArgon2PasswordHasher"


def test_parameters_meet_owasp_minimum():
    hasher = PortalArgon2PasswordHasher()
    assert hasher.memory_cost >= 19 * 1024 and hasher.time_cost >= 2 and hasher.parallelism >= 1
    with override_settings(PASSWORD_HASHERS=HASHERS):
        encoded = make_password("Brokerage-Demo-2026")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=HASHERS)
def test_an_older_pbkdf2_hash_becomes_argon2id_at_sign_in(client):
    user = UserFactory(email="old-hash@example.org")
    user.password = get_hasher("pbkdf2_sha256").encode("correct-horse-battery", "somesalt12345678")
    user.save(update_fields=["password"])
    response = client.post(
        reverse("account_login"),
        {"login": "old-hash@example.org", "password": "correct-horse-battery"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert "$argon2id$" in user.password and user.check_password("correct-horse-battery")


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=HASHERS)
def test_a_wrong_password_does_not_change_the_stored_hash(client):
    user = UserFactory(email="old-hash@example.org")
    user.password = get_hasher("pbkdf2_sha256").encode("correct-horse-battery", "somesalt12345678")
    user.save(update_fields=["password"])
    before = user.password
    client.post(
        reverse("account_login"), {"login": "old-hash@example.org", "password": "wrong-password"}
    )
    user.refresh_from_db()
    assert user.password == before
