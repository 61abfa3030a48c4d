"""Demo logins: one user per role plus a superuser (run by ``manage.py seed_demo``).

Idempotent: users are matched by email and brought back to the state below. All share
``settings.DEMO_PASSWORD``, have a confirmed email address and skip two-factor set-up (which
``skip_two_factor`` never does in production, where ``seed_demo`` is refused anyway).
"""

from functools import lru_cache

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from portal.accounts.models import User
from portal.accounts.roles import Role

DEMO_PARTNER = "Stockton Jobcentre Plus"
DEMO_PROGRAMMES = ["Routes to Work", "Plan 500"]

# email, first name, last name, role (None for the superuser), scope
DEMO_USERS = [
    ("employer@example.org", "Priya", "Shah", Role.EMPLOYER, None),
    ("partner@example.org", "Gareth", "Collins", Role.PARTNER_STAFF, "partner"),
    ("keyworker@example.org", "Aisha", "Khan", Role.KEY_WORKER, "programmes"),
    ("keyworker2@example.org", "Daniel", "Wright", Role.KEY_WORKER, "programmes"),
    ("coordinator@example.org", "Helen", "Marsh", Role.COORDINATOR, "programmes"),
    ("finance@example.org", "Tom", "Bell", Role.FINANCE_OFFICER, "programmes"),
    # A second finance officer: a payment run needs two people (one proposes or checks, the other approves).
    ("finance2@example.org", "Nadia", "Hussain", Role.FINANCE_OFFICER, "programmes"),
    ("editor@example.org", "Sophie", "Turner", Role.EDITOR, None),
    ("admin@example.org", "Alex", "Morgan", None, None),
]


@lru_cache(maxsize=1)
def demo_password_hash() -> str:
    """Hash the shared demo password once: each hash costs most of a second by design."""
    return make_password(settings.DEMO_PASSWORD)


def load(stdout) -> None:
    from brokerage.reference.models import Partner, Programme

    partner = Partner.objects.filter(name=DEMO_PARTNER).first()
    programmes = list(Programme.objects.filter(name__in=DEMO_PROGRAMMES))
    if partner is None:
        stdout.write(f"  accounts: partner {DEMO_PARTNER!r} not found; partner@ has no partner")
    missing = set(DEMO_PROGRAMMES) - {p.name for p in programmes}
    if missing:
        stdout.write(f"  accounts: programmes not found: {', '.join(sorted(missing))}")

    created = 0
    for email, first_name, last_name, role, scope in DEMO_USERS:
        created += demo_user_save(
            email=email, first_name=first_name, last_name=last_name, role=role,
            partner=partner if scope == "partner" else None,
            programmes=programmes if scope == "programmes" else [],
        )
    stdout.write(f"  accounts: {len(DEMO_USERS)} demo users ({created} new)")


def demo_user_save(*, email: str, first_name: str, last_name: str, role: str | None, partner=None,
                   programmes=()) -> bool:
    """Create or reset one demo login (a superuser when ``role`` is None); True when new."""
    superuser = role is None
    user, was_created = User.objects.update_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "is_active": True,
            "is_staff": superuser,
            "is_superuser": superuser,
            "skip_two_factor": True,
            "partner": partner,
        },
    )
    if user.password != demo_password_hash():  # new, or its password changed: reset (no re-hash)
        user.password = demo_password_hash()
        user.save(update_fields=["password"])
    if role is not None:
        user.groups.set([Group.objects.get_or_create(name=Role(role).label)[0]])
    user.programmes.set(programmes)
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return was_created
