"""What an employer reads about a candidate before an interview must not identify them.

The one rule for free text written for the employer (the key worker's note on a proposal,
answers to the employer's questions) and for the free-text parts of the anonymised profile
(skills, qualifications): it is checked against the participant's own name, phone number,
email address, address and postcode, National Insurance number and date of birth, and against
the common patterns of phone numbers, email addresses and National Insurance numbers.

- ``identifying_details(text, participant)`` names what was found (e.g. "their surname (Reed)").
- ``anonymity_check(text, participant, field=...)`` raises ``ValidationError`` on ``field`` with
  a message naming what to remove; services call it before saving.
- ``anonymity_screen(items, participant)`` drops items that identify the person (for lists an
  employer sees, written before this rule existed or for the participant's own record).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError

# First names and surnames that are also everyday words: matched only as written with a
# capital letter (so "they will start" is not a match for Will).
_COMMON_WORDS = frozenset("""
amber april art august bill black bob brown carol chance dawn dean drew earl faith frank gene
glen grace green guy hill hope jack jay joy june king lane long major mark may miles penny pat
ray reed rich rob rose ruby ruth sandy skip sky stone sue summer sunny wade ward white will wood
young
""".split())

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# A run of digits with the spaces, dots, dashes and brackets people write phone numbers with.
_DIGIT_RUN = re.compile(r"\+?\(?\d[\d\s().-]{7,}\d")
_NI_NUMBER = re.compile(
    r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]?\b", re.IGNORECASE
)
_POSTCODE_SPACE = re.compile(r"\s+")


def _digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return "0" + digits[2:] if digits.startswith("44") and len(digits) >= 12 else digits


def _phone_numbers(text: str) -> list[str]:
    """Digit runs that look like UK phone numbers (10 or 11 digits from 0, or +44)."""
    found = []
    for match in _DIGIT_RUN.finditer(text):
        digits = _digits(match.group())
        if len(digits) in (10, 11) and digits.startswith("0"):
            found.append(digits)
    return found


def _word_in(word: str, text: str) -> bool:
    """The name as a word, in any case; a name that is also an everyday word only when it is
    not written in lower case ("Will" or "WILL", not "will")."""
    word = word.strip()
    if len(word) < 2:
        return False
    pattern = rf"(?<![\w-]){re.escape(word)}(?![\w-])"
    everyday = word.lower() in _COMMON_WORDS
    return any(
        not everyday or match.group() != match.group().lower()
        for match in re.finditer(pattern, text, re.IGNORECASE)
    )


def _date_forms(day: datetime.date) -> list[str]:
    d, m, y, yy = day.day, day.month, day.year, day.year % 100
    month, mon = f"{day:%B}", f"{day:%b}"
    forms = {
        f"{d}/{m}/{y}", f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{yy:02d}", f"{d:02d}/{m:02d}/{yy:02d}",
        f"{d}-{m}-{y}", f"{d:02d}-{m:02d}-{y}", f"{d}.{m}.{y}", f"{d:02d}.{m:02d}.{y}",
        f"{y}-{m:02d}-{d:02d}", f"{d} {month} {y}", f"{d} {mon} {y}", f"{month} {d}, {y}",
        f"{month} {d} {y}",
    }
    for suffix in ("st", "nd", "rd", "th"):
        forms.add(f"{d}{suffix} {month} {y}")
        forms.add(f"{d}{suffix} of {month} {y}")
    return sorted(forms)


def _address_parts(address: str) -> list[str]:
    """The lines of an address with a house number or name in them, and their street names."""
    parts = []
    for line in re.split(r"[\n,]", address or ""):
        line = line.strip()
        if len(line) < 6 or not re.search(r"\d", line):
            continue
        parts.append(line)
        street = re.sub(r"^(flat\s+)?\d+[a-z]?\s+", "", line, flags=re.IGNORECASE).strip()
        if len(street) >= 6 and street != line:
            parts.append(street)
    return parts


def identifying_details(text: str, participant) -> list[str]:
    """What in ``text`` could identify ``participant``, each as a phrase naming what to remove."""
    if not text or not text.strip():
        return []
    found: list[str] = []
    squashed = _POSTCODE_SPACE.sub(" ", text)
    lowered = squashed.lower()

    first, last = (participant.first_name or "").strip(), (participant.last_name or "").strip()
    if first and _word_in(first, squashed):
        found.append(f"their first name ({first})")
    if last and _word_in(last, squashed):
        found.append(f"their surname ({last})")

    email = (participant.email or "").strip().lower()
    if email and email in lowered:
        found.append(f"their email address ({participant.email})")
    elif _EMAIL.search(squashed):
        found.append("an email address")

    own_phone = _digits(participant.phone or "")
    phones = _phone_numbers(squashed)
    if own_phone and len(own_phone) >= 10 and (own_phone in phones or own_phone in _digits(text)):
        found.append(f"their phone number ({participant.phone})")
    elif phones:
        found.append("a phone number")

    ni = re.sub(r"\s", "", participant.ni_number or "").upper()
    ni_found = [re.sub(r"\s", "", m.group()).upper() for m in _NI_NUMBER.finditer(squashed)]
    if ni and (ni in ni_found or ni in re.sub(r"\s", "", squashed).upper()):
        found.append(f"their National Insurance number ({participant.ni_number})")
    elif ni_found:
        found.append("a National Insurance number")

    if participant.date_of_birth:
        if any(form.lower() in lowered for form in _date_forms(participant.date_of_birth)):
            found.append("their date of birth")

    postcode = re.sub(r"\s", "", participant.postcode or "").upper()
    if len(postcode) >= 5 and postcode in re.sub(r"\s", "", squashed).upper():
        found.append(f"their postcode ({participant.postcode})")
    for part in _address_parts(participant.address):
        if part.lower() in lowered:
            found.append(f"their address ({part})")
            break
    return found


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def anonymity_check(text: str, participant, *, field: str, what: str = "the note") -> None:
    """Refuse ``text`` written for an employer if it could identify the participant."""
    found = identifying_details(text, participant)
    if found:
        raise ValidationError({field: ValidationError(
            f"Remove {_join(found)} from {what}. The employer must not be able to identify the "
            "person before an interview is booked",
            code="identifies_participant",
        )})


def anonymity_screen(items: Iterable[str], participant) -> list[str]:
    """The items that do not identify the participant (the others are left out)."""
    return [item for item in items if not identifying_details(item, participant)]
