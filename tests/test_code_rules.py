"""Rules about how the code is written that a reviewer could miss, checked by reading the source.

- Every email goes one path: ``message_send`` records a ``Message`` and the one transport in
  ``brokerage/messaging/backends.py`` sends it. Nothing else calls Django's (or Wagtail's) mail
  functions; Wagtail's own editor emails are routed by ``cms/notifications.py``.
- Service functions say who is acting: a parameter named ``actor``, ``user``, ``by`` or ``staff``
  is annotated (``User``, ``User | None`` or ``portal.accounts.permissions.Actor``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["brokerage", "portal", "cms", "search"]

# The one place that hands a message to Django's email backend.
MAIL_TRANSPORT = "brokerage/messaging/backends.py"
MAIL_MODULES = {"django.core.mail", "django.core.mail.message", "wagtail.admin.mail"}
MAIL_SENDERS = {
    "send_mail", "send_mass_mail", "mail_admins", "mail_managers", "EmailMessage",
    "EmailMultiAlternatives", "get_connection", "send_notification",
}
ACTING = {"actor", "user", "by", "staff"}


def _modules() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def direct_mail_uses(source: str) -> list[str]:
    """Where ``source`` imports or calls a mail-sending function directly (``line: what``)."""
    found = []
    aliases = set()  # names bound to a mail module: ``from django.core import mail``
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if node.module in MAIL_MODULES and alias.name in MAIL_SENDERS:
                    found.append(f"{node.lineno}: from {node.module} import {alias.name}")
                if f"{node.module}.{alias.name}" in MAIL_MODULES:
                    aliases.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MAIL_MODULES:
                    aliases.add(alias.asname or alias.name)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in MAIL_SENDERS:
            owner = ast.unparse(node.value)
            if owner in aliases or owner in MAIL_MODULES:
                found.append(f"{node.lineno}: {owner}.{node.attr}")
    return found


def test_the_guard_sees_each_way_of_sending_mail():
    assert direct_mail_uses("from django.core.mail import send_mail")
    assert direct_mail_uses("from django.core.mail.message import EmailMultiAlternatives")
    assert direct_mail_uses("from django.core import mail\nmail.mail_admins('a', 'b')")
    assert direct_mail_uses("import django.core.mail\ndjango.core.mail.send_mail('a')")
    assert direct_mail_uses("from wagtail.admin.mail import send_mail")
    assert direct_mail_uses("from wagtail.admin import mail as m\nm.send_notification([], 'x', {})")
    assert not direct_mail_uses("from brokerage.messaging.services import message_send")
    # Subclassing Wagtail's notifiers (whose sending cms/notifications.py replaces) is fine.
    assert not direct_mail_uses(
        "from wagtail.admin import mail as m\nclass N(m.WorkflowStateApprovalEmailNotifier): pass"
    )


def test_only_the_messaging_transport_sends_mail():
    offenders = {
        _rel(path): uses
        for path in _modules()
        if _rel(path) != MAIL_TRANSPORT and (uses := direct_mail_uses(path.read_text()))
    }
    assert offenders == {}, "Send email with message_send (brokerage.messaging.services)"
    assert direct_mail_uses((ROOT / MAIL_TRANSPORT).read_text())  # the transport is still there


def _service_modules() -> list[Path]:
    return [
        path for path in _modules()
        if path.name.startswith("services") or "services" in path.parent.parts
    ]


def unannotated_acting_parameters(source: str) -> list[str]:
    """Public top-level functions in ``source`` with an unannotated actor/user/by/staff."""
    found = []
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if node.name.startswith("_"):
            continue
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            if arg.arg in ACTING and arg.annotation is None:
                found.append(f"{node.lineno}: {node.name}({arg.arg})")
    return found


def test_the_guard_sees_an_untyped_actor():
    assert unannotated_acting_parameters("def thing_do(*, actor, name: str): pass")
    assert unannotated_acting_parameters("def thing_do(user): pass")
    assert not unannotated_acting_parameters("def thing_do(*, actor: User | None): pass")
    assert not unannotated_acting_parameters("def _helper(actor): pass")


@pytest.mark.parametrize("path", _service_modules(), ids=_rel)
def test_service_functions_say_who_is_acting(path):
    assert unannotated_acting_parameters(path.read_text()) == []
