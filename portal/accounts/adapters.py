from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open to employers; staff accounts are created by coordinators."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from django.contrib.auth.models import Group

            from portal.accounts.roles import Role

            group, _ = Group.objects.get_or_create(name=Role.EMPLOYER.label)
            user.groups.add(group)
        return user

    def get_email_verification_redirect_url(self, email_address):
        return "/employer/"

    def get_from_email(self):
        return settings.DEFAULT_FROM_EMAIL
