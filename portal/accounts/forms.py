"""allauth's forms rendered the GOV.UK way.

Each subclass keeps allauth's behaviour and only changes presentation: GOV.UK form groups
(``portal.core.forms.GovUKFormMixin``), plain-English labels and hints, and no placeholders or
autofocus (the GOV.UK Design System advises against both). Wired up by ``ACCOUNT_FORMS`` and
``MFA_FORMS`` in the settings.
"""

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.recovery_codes import forms as mfa_recovery_forms
from allauth.mfa.totp import forms as mfa_totp_forms
from allauth.mfa.webauthn import forms as mfa_webauthn_forms
from django import forms

from portal.core.forms import GovUKFormMixin

_CODE_HINT = "The 6-digit code shown in your authenticator app, for example 123456"


class _AllauthGovUKMixin(GovUKFormMixin):
    """Labels and hints by field name; strips placeholders and autofocus from every widget."""

    labels: dict[str, str] = {}
    hints: dict[str, str] = {}
    autocomplete: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            field.widget.attrs.pop("autofocus", None)
            if name in self.labels:
                field.label = self.labels[name]
            if name in self.hints:
                field.help_text = self.hints[name]
            if name in self.autocomplete:
                field.widget.attrs["autocomplete"] = self.autocomplete[name]
            if isinstance(field.widget, forms.EmailInput):
                field.widget.attrs.setdefault("spellcheck", "false")


def _code_field_setup(form) -> None:
    field = form.fields["code"]
    field.label = "Code from your authenticator app"
    field.help_text = _CODE_HINT
    field.widget.attrs.update(
        {"inputmode": "numeric", "autocomplete": "one-time-code", "class": "govuk-input--width-10",
         "spellcheck": "false"}
    )
    field.error_messages["required"] = "Enter the 6-digit code from your authenticator app"


class LoginForm(_AllauthGovUKMixin, account_forms.LoginForm):
    labels = {"login": "Email address", "password": "Password", "remember": "Keep me signed in on this device"}
    hints = {"password": ""}
    autocomplete = {"login": "email"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].error_messages["required"] = "Enter your email address"
        self.fields["login"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.com"
        )
        self.fields["password"].error_messages["required"] = "Enter your password"


class SignupForm(_AllauthGovUKMixin, account_forms.SignupForm):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)

    labels = {"email": "Email address", "password1": "Create a password", "password2": "Confirm your password"}
    hints = {
        "email": "Use your work email address. We will send you a link to confirm it; you will use it to sign in.",
        "password1": "Use at least 10 characters. Do not use a common password, only numbers, "
        "or something too similar to your name or email address.",
    }
    autocomplete = {"first_name": "given-name", "last_name": "family-name", "email": "email",
                    "password1": "new-password", "password2": "new-password"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["first_name", "last_name", "email", "password1", "password2"])
        self.fields["first_name"].error_messages["required"] = "Enter your first name"
        self.fields["last_name"].error_messages["required"] = "Enter your last name"
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.com"
        )
        self.fields["password1"].error_messages["required"] = "Enter a password"
        if "password2" in self.fields:
            self.fields["password2"].error_messages["required"] = "Confirm your password"


class AddEmailForm(_AllauthGovUKMixin, account_forms.AddEmailForm):
    labels = {"email": "Email address"}
    hints = {"email": "We will send a link to this address to confirm it is yours."}


class ChangePasswordForm(_AllauthGovUKMixin, account_forms.ChangePasswordForm):
    labels = {"oldpassword": "Current password", "password1": "New password",
              "password2": "Confirm your new password"}
    hints = {"password1": "Use at least 10 characters. Do not use a common password or only numbers."}


class SetPasswordForm(_AllauthGovUKMixin, account_forms.SetPasswordForm):
    labels = {"password1": "New password", "password2": "Confirm your new password"}
    hints = {"password1": "Use at least 10 characters. Do not use a common password or only numbers."}


class ResetPasswordForm(_AllauthGovUKMixin, account_forms.ResetPasswordForm):
    labels = {"email": "Email address"}
    hints = {"email": "The email address you use to sign in."}


class ResetPasswordKeyForm(_AllauthGovUKMixin, account_forms.ResetPasswordKeyForm):
    labels = {"password1": "New password", "password2": "Confirm your new password"}
    hints = {"password1": "Use at least 10 characters. Do not use a common password or only numbers."}


class ReauthenticateForm(_AllauthGovUKMixin, account_forms.ReauthenticateForm):
    labels = {"password": "Password"}
    hints = {"password": ""}


class MFAAuthenticateForm(_AllauthGovUKMixin, mfa_base_forms.AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field_setup(self)
        self.fields["code"].help_text = _CODE_HINT + ". Or enter one of your recovery codes."


class MFAReauthenticateForm(_AllauthGovUKMixin, mfa_base_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field_setup(self)


class ActivateTOTPForm(_AllauthGovUKMixin, mfa_totp_forms.ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _code_field_setup(self)


class DeactivateTOTPForm(_AllauthGovUKMixin, mfa_totp_forms.DeactivateTOTPForm):
    pass


class GenerateRecoveryCodesForm(_AllauthGovUKMixin, mfa_recovery_forms.GenerateRecoveryCodesForm):
    pass


_PASSKEY_NAME_HINT = "So you can tell your passkeys apart, for example Work laptop or Security key"


class AddWebAuthnForm(_AllauthGovUKMixin, mfa_webauthn_forms.AddWebAuthnForm):
    labels = {"name": "Name for this passkey"}
    hints = {"name": _PASSKEY_NAME_HINT}
    autocomplete = {"name": "off"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credential"].error_messages["required"] = (
            "Your browser did not create a passkey. Choose Create a passkey and follow your browser's instructions"
        )


class EditWebAuthnForm(_AllauthGovUKMixin, mfa_webauthn_forms.EditWebAuthnForm):
    labels = {"name": "Name for this passkey"}
    hints = {"name": _PASSKEY_NAME_HINT}
    autocomplete = {"name": "off"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter a name for this passkey"
