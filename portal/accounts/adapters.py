from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse

from brokerage.messaging.models import MessageKind
from brokerage.messaging.services import message_send


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open to employers; staff accounts are created by coordinators."""

    # Messages in plain English, saying what to do next (GOV.UK error message style).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": (
            "The email address or password is not correct. Check them and try again, "
            "or reset your password."
        ),
        "too_many_login_attempts": (
            "You have tried to sign in too many times. Wait 5 minutes and try again, "
            "or reset your password."
        ),
        "email_taken": (
            "An account already exists with this email address. Sign in or reset your password."
        ),
        # Raised when the current password given to change it is wrong.
        "enter_current_password": "The current password is not correct",
        "incorrect_password": "The password is not correct",
        "account_inactive": "This account has been closed. Contact the partnership to reopen it.",
    }

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from django.contrib.auth.models import Group

            from portal.accounts.roles import Role

            group, _ = Group.objects.get_or_create(name=Role.EMPLOYER.label)
            user.groups.add(group)
        return user

    def get_email_verification_redirect_url(self, email_address):
        # The dashboard sends each role to its own home page.
        return reverse("core_dashboard")

    def get_from_email(self):
        return settings.DEFAULT_FROM_EMAIL

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Account emails (confirm your address, reset your password, sign-in notices) go the
        one message path: rendered from allauth's templates as allauth renders them (subject
        prefixed, plain text; the portal has no HTML versions), then ``message_send``, so each is
        a ``Message`` sent after commit with retries, by Notify or SMTP. They are
        ``MessageKind.ESSENTIAL``: a person's preferences or the daily digest never hold them.
        """
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        rendered = self.render_mail(template_prefix, email, ctx)
        message_send(
            kind=MessageKind.ESSENTIAL,
            template=template_prefix,
            recipients=[email],
            subject=str(rendered.subject),
            body=str(rendered.body),
        )


class MFAAdapter(DefaultMFAAdapter):
    def generate_authenticator_name(self, user, type) -> str:
        """The name a new passkey is offered ("Passkey", then "Passkey 2"…); people can change it."""
        from allauth.mfa.models import Authenticator

        count = Authenticator.objects.filter(user_id=user.pk, type=type).count()
        return "Passkey" if count == 0 else f"Passkey {count + 1}"
