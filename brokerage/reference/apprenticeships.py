"""Apprenticeship standards, kept as data in ``data/apprenticeship-standards.csv``.

Each row is a standard from the register of apprenticeship standards approved for delivery
(reference code such as ST0070, title, level, occupational route). To add or correct a standard,
edit the file: no code changes. An opportunity stores the reference code and, beside it, the
level the standard had when the employer chose it.
"""

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

STANDARDS_CSV = Path(__file__).parent / "data" / "apprenticeship-standards.csv"


@dataclass(frozen=True)
class ApprenticeshipStandard:
    reference: str
    title: str
    level: int
    route: str

    @property
    def label(self) -> str:
        """'Business administrator (level 3, ST0070)'."""
        return f"{self.title} (level {self.level}, {self.reference})"


@lru_cache(maxsize=1)
def apprenticeship_standards() -> dict[str, ApprenticeshipStandard]:
    """Every standard by reference code, in title order."""
    with STANDARDS_CSV.open(newline="", encoding="utf-8") as handle:
        rows = [
            ApprenticeshipStandard(
                reference=row["reference"].strip().upper(),
                title=row["title"].strip(),
                level=int(row["level"]),
                route=row["route"].strip(),
            )
            for row in csv.DictReader(handle)
        ]
    return {standard.reference: standard for standard in sorted(rows, key=lambda s: s.title)}


def apprenticeship_standard(reference: str) -> ApprenticeshipStandard | None:
    return apprenticeship_standards().get((reference or "").strip().upper())


def apprenticeship_standard_choices() -> list[tuple[str, str]]:
    return [(s.reference, s.label) for s in apprenticeship_standards().values()]
