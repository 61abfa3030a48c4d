"""Exceptions shared by every app."""

from django.core.exceptions import ValidationError


class IllegalTransition(ValidationError):
    """A status change the rules do not allow, with a message a person can read.

    A ``ValidationError``, so views show it as a form error like any other refusal. The
    opportunity lifecycle and the pipeline both raise this one class.
    """
