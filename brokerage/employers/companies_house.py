"""A small typed client for the Companies House public data API, over ``requests``.

The one module that talks to Companies House. ``settings.COMPANIES_HOUSE_API_URL`` is where
(the real API is https://api.company-information.service.gov.uk); with
``settings.COMPANIES_HOUSE_STANDIN`` (development without an address) it is the local stand-in
(``brokerage/employers/companies_house_standin.py``). With neither, lookups are switched off:
``configured()`` is False and the portal carries on without them.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

import requests
from django.conf import settings

from brokerage.employers.matching import normalise_employer_name
from brokerage.reference.postcodes import PostcodeError, normalise_postcode

logger = logging.getLogger(__name__)

#: Companies House statuses under which a company no longer trades (or is being wound up):
#: incentive payments to it are held (``brokerage.payments.incentives``).
NOT_TRADING_STATUSES = frozenset({"dissolved", "liquidation", "converted-closed", "removed",
                                  "closed"})
STATUS_LABELS = {
    "active": "active", "dissolved": "dissolved", "liquidation": "in liquidation",
    "receivership": "in receivership", "administration": "in administration",
    "voluntary-arrangement": "in a voluntary arrangement",
    "converted-closed": "converted or closed", "insolvency-proceedings":
    "in insolvency proceedings", "removed": "removed", "closed": "closed", "open": "open",
    "registered": "registered",
}


class CompaniesHouseUnavailable(Exception):
    """Companies House could not be asked (not configured, unreachable, or an error)."""


@dataclass(frozen=True)
class Address:
    premises: str = ""
    address_line_1: str = ""
    address_line_2: str = ""
    locality: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""

    @classmethod
    def from_json(cls, data: dict | None) -> Address:
        data = data or {}
        return cls(**{name: str(data.get(name) or "") for name in cls.__dataclass_fields__})

    def one_line(self) -> str:
        return ", ".join(
            part for part in (
                " ".join(p for p in (self.premises, self.address_line_1) if p),
                self.address_line_2, self.locality, self.region, self.postal_code, self.country,
            ) if part
        )


@dataclass(frozen=True)
class Company:
    number: str
    name: str
    status: str
    address: Address
    date_of_creation: datetime.date | None = None
    date_of_cessation: datetime.date | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status.replace("-", " "))

    @property
    def trading(self) -> bool:
        return self.status not in NOT_TRADING_STATUSES


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def configured() -> bool:
    return bool(settings.COMPANIES_HOUSE_API_URL or settings.COMPANIES_HOUSE_STANDIN)


def _base_and_key() -> tuple[str, str]:
    if settings.COMPANIES_HOUSE_API_URL:
        return settings.COMPANIES_HOUSE_API_URL.rstrip("/"), settings.COMPANIES_HOUSE_API_KEY
    if settings.COMPANIES_HOUSE_STANDIN:
        from brokerage.employers import companies_house_standin as standin

        return standin.development_server().url, standin.STANDIN_API_KEY
    raise CompaniesHouseUnavailable("Companies House lookups are not set up")


def _get(path: str, params: dict | None = None) -> dict | None:
    """The JSON answer, or None for 404."""
    base, key = _base_and_key()
    try:
        response = requests.get(
            f"{base}{path}", params=params, auth=(key, ""),
            timeout=settings.COMPANIES_HOUSE_TIMEOUT_SECONDS,
            headers={"Accept": "application/json"},
        )
    except requests.RequestException as exc:
        logger.warning("Companies House could not be reached: %s", exc)
        raise CompaniesHouseUnavailable("Companies House could not be reached") from exc
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        logger.warning("Companies House answered %s for %s", response.status_code, path)
        raise CompaniesHouseUnavailable(f"Companies House answered {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise CompaniesHouseUnavailable("Companies House sent an answer we cannot read") from exc


def company_get(number: str) -> Company | None:
    """The company with this number, or None if Companies House has no such company."""
    data = _get(f"/company/{number.strip().upper()}")
    if data is None:
        return None
    return Company(
        number=str(data.get("company_number") or number),
        name=str(data.get("company_name") or ""),
        status=str(data.get("company_status") or ""),
        address=Address.from_json(data.get("registered_office_address")),
        date_of_creation=_date(data.get("date_of_creation")),
        date_of_cessation=_date(data.get("date_of_cessation")),
    )


def company_search(name: str, *, limit: int = 5) -> list[Company]:
    """Companies whose name matches, best first (Companies House's order)."""
    if not (name or "").strip():
        return []
    data = _get("/search/companies", {"q": name.strip(), "items_per_page": limit}) or {}
    return [
        Company(
            number=str(item.get("company_number") or ""), name=str(item.get("title") or ""),
            status=str(item.get("company_status") or ""),
            address=Address.from_json(item.get("address")),
            date_of_creation=_date(item.get("date_of_creation")),
        )
        for item in data.get("items", [])[:limit]
    ]


def _same_postcode(a: str, b: str) -> bool:
    try:
        return normalise_postcode(a) == normalise_postcode(b)
    except PostcodeError:
        return (a or "").replace(" ", "").upper() == (b or "").replace(" ", "").upper()


def mismatches(company: Company, *, name: str, postcode: str) -> list[str]:
    """What differs between what someone entered and the Companies House record."""
    found = []
    if name and normalise_employer_name(name) != normalise_employer_name(company.name):
        found.append(f"the name there is {company.name}")
    if postcode and company.address.postal_code and not _same_postcode(
        postcode, company.address.postal_code
    ):
        found.append(f"the registered office postcode is {company.address.postal_code}")
    if not company.trading:
        found.append(f"the company is {company.status_label}")
    return found


def exact_match(name: str) -> Company | None:
    """The one company whose name is the same as ``name`` (ignoring case and Ltd/Limited)."""
    wanted = normalise_employer_name(name)
    same = [c for c in company_search(name) if normalise_employer_name(c.name) == wanted]
    return same[0] if len(same) == 1 else None
