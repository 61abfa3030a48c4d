"""One normaliser for the words people type about skills, sectors and licences.

Used on input (forms and services save normalised values), on storage (migrations normalised
what was stored before) and on comparison (``search.scoring`` compares normalised sets), so
"Customer  Service", "customer-service" and "CUSTOMER SERVICE" are the same skill, and
"CSCS card" is the licence ``cscs``.

How a term is normalised (``term_normalise``):

1. Unicode compatibility form (NFKC) and case folded ("Ｅxcel" → "excel");
2. "&" read as "and"; every other character that is not a letter, digit, "+" or "#" (hyphens,
   underscores, full stops, commas, brackets…) becomes a space;
3. runs of spaces become one, and the ends are trimmed;
4. a known synonym becomes the word it means. Synonyms are data, one row each, in
   ``brokerage/reference/data/vocabulary-synonyms.csv`` (``vocabulary,said,means``; add a row to
   teach the portal a new one, then run the data migration pattern of
   ``participants.0004``/``opportunities.0004`` if stored values need it).

Skills are free text: the normalised term is the stored value. Sectors and licences are the
codes of ``brokerage.reference.choices.Sector``/``Licence``: a code, its label or a synonym
becomes the code ("CSCS card", "cscs", "Cscs" → ``cscs``); words that name no code are kept as
their normalised term with underscores, so nothing typed is lost.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from django.db import models

from brokerage.reference.choices import Licence, Sector

SYNONYMS_CSV = Path(__file__).resolve().parent / "data" / "vocabulary-synonyms.csv"

SKILL = "skill"
SECTOR = "sector"
LICENCE = "licence"
VOCABULARIES = (SKILL, SECTOR, LICENCE)

_NOT_WORD = re.compile(r"[^\w+#]|_", re.UNICODE)
_SPACES = re.compile(r"\s+")


@cache
def synonyms() -> dict[str, dict[str, str]]:
    """``{vocabulary: {normalised said: means}}`` from the CSV."""
    table: dict[str, dict[str, str]] = {name: {} for name in VOCABULARIES}
    with SYNONYMS_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            vocabulary = row["vocabulary"].strip()
            if vocabulary not in table:
                raise ValueError(f"{SYNONYMS_CSV.name}: unknown vocabulary {vocabulary!r}")
            table[vocabulary][_plain(row["said"])] = row["means"].strip()
    return table


def _plain(text: object) -> str:
    """Steps 1–3: folded, punctuation to spaces, spaces collapsed."""
    folded = unicodedata.normalize("NFKC", str(text or "")).casefold().replace("&", " and ")
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", folded)).strip()


def term_normalise(text: object, vocabulary: str = SKILL) -> str:
    """One term, normalised (see the module docstring); "" when nothing is left."""
    plain = _plain(text)
    return synonyms()[vocabulary].get(plain, plain) if plain else ""


@cache
def _codes(vocabulary: str) -> dict[str, str]:
    choices: type[models.TextChoices] = Licence if vocabulary == LICENCE else Sector
    table = {}
    for code, label in choices.choices:
        table[_plain(code)] = code
        table[_plain(label)] = code
    for said, means in synonyms()[vocabulary].items():
        table[said] = means
    return table


def skill_normalise(text: object) -> str:
    return term_normalise(text, SKILL)


def code_normalise(text: object, vocabulary: str) -> str:
    """A sector or licence as its code (a code, its label or a synonym); other words are kept
    normalised, with underscores for spaces."""
    plain = _plain(text)
    if not plain:
        return ""
    return _codes(vocabulary).get(plain, plain.replace(" ", "_"))


def licence_normalise(text: object) -> str:
    return code_normalise(text, LICENCE)


def sector_normalise(text: object) -> str:
    return code_normalise(text, SECTOR)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def skills_normalise(values: Iterable[object] | None) -> list[str]:
    """A list of skills: each normalised, blanks and repeats dropped, first-seen order kept."""
    return _unique(skill_normalise(v) for v in values or ())


def licences_normalise(values: Iterable[object] | None) -> list[str]:
    return _unique(licence_normalise(v) for v in values or ())


def sectors_normalise(values: Iterable[object] | None) -> list[str]:
    return _unique(sector_normalise(v) for v in values or ())


def skills_from_text(text: str | None) -> list[str]:
    """Skills typed as one text, separated by commas or new lines, normalised."""
    return skills_normalise(re.split(r"[,\n;]", text or ""))
