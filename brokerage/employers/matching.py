"""Matching keys for employer records: normalised names, email domains, Companies House numbers.

Pure functions (no database), shared by the models, services and selectors.
"""

import re

from django.core.exceptions import ValidationError

# Legal-form words dropped from the end of a name ("Tees Components Ltd" = "Tees Components").
_SUFFIXES = frozenset(
    {"ltd", "limited", "plc", "llp", "lp", "cic", "cio", "inc", "co", "company", "and", "uk"}
)
_PUNCTUATION = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")

# Webmail domains say nothing about which organisation someone works for.
FREE_EMAIL_DOMAINS = frozenset(
    {
        "aol.com", "btinternet.com", "btopenworld.com", "gmail.com", "googlemail.com",
        "hotmail.co.uk", "hotmail.com", "icloud.com", "live.co.uk", "live.com", "mac.com",
        "me.com", "msn.com", "ntlworld.com", "outlook.com", "outlook.co.uk", "protonmail.com",
        "proton.me", "sky.com", "talktalk.net", "tiscali.co.uk", "virginmedia.com",
        "yahoo.co.uk", "yahoo.com", "ymail.com",
    }
)

_COMPANIES_HOUSE_RE = re.compile(r"^(?:\d{8}|[A-Z]{2}\d{6})$")
COMPANIES_HOUSE_MESSAGE = (
    "Enter a Companies House number in the correct format: 8 characters, like 01234567 or SC123456"
)


def normalise_employer_name(name: str) -> str:
    """'The Tees Components Ltd.' -> 'tees components'; 'Smith & Co' -> 'smith'."""
    value = (name or "").lower().replace("&", " and ")
    value = _PUNCTUATION.sub(" ", value.replace("'", "").replace("’", ""))
    words = _SPACES.sub(" ", value).strip().split(" ")
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return " ".join(w for w in words if w)


def email_domain(email: str | None) -> str:
    """The organisation's domain from an email address; '' for webmail or nonsense."""
    if not email or "@" not in email:
        return ""
    domain = email.rsplit("@", 1)[1].strip().lower().rstrip(".")
    if not domain or "." not in domain or domain in FREE_EMAIL_DOMAINS:
        return ""
    return domain


def normalise_companies_house_number(value: str | None) -> str:
    """' sc 123456 ' -> 'SC123456'. Raises ValidationError with a clear message if malformed."""
    compact = re.sub(r"\s+", "", (value or "")).upper()
    if not compact:
        return ""
    if not _COMPANIES_HOUSE_RE.match(compact):
        raise ValidationError(COMPANIES_HOUSE_MESSAGE, code="companies_house_number")
    return compact
