"""A local stand-in for the parts of the Companies House public data API the portal uses.

It answers ``GET /company/{company_number}`` (the company profile) and
``GET /search/companies?q=…`` (search by name) with the same JSON shapes, status codes and
HTTP Basic authentication (the API key as the user name) as
https://api.company-information.service.gov.uk, so ``brokerage.employers.companies_house``
cannot tell it apart. It holds a few demo companies, including one dissolved and one in
liquidation.

Two users:

- Tests start it with ``serve()`` (a thread on 127.0.0.1) and point
  ``settings.COMPANIES_HOUSE_API_URL`` at it; ``server.standin.companies`` can be changed and
  ``server.standin.requests`` read.
- Development (``settings.COMPANIES_HOUSE_STANDIN``: on when no Companies House address is set
  outside production): ``development_server()`` starts it in the portal's own process the
  first time the client needs it. Nothing leaves the machine.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

logger = logging.getLogger(__name__)

STANDIN_API_KEY = "standin-companies-house-key"
# Words a search ignores (as Companies House's search does with company types).
_SUFFIXES = frozenset({"ltd", "limited", "plc", "llp", "the"})


def _company(number, name, status, premises, line_1, locality, postcode, created, **extra):
    address = {"premises": premises, "address_line_1": line_1, "locality": locality,
               "postal_code": postcode, "country": "England"}
    return {
        "company_number": number, "company_name": name, "company_status": status,
        "type": "ltd", "jurisdiction": "england-wales", "date_of_creation": created,
        "registered_office_address": address, "can_file": status == "active",
        "links": {"self": f"/company/{number}"}, **extra,
    }


#: The demo companies (the first three match demo employers of brokerage/employers/demo.py).
DEMO_COMPANIES = [
    _company("08412736", "TEES COMPONENTS LTD", "active", "Unit 4", "Portrack Lane",
             "Stockton-on-Tees", "TS18 2NT", "2013-02-18"),
    _company("09887123", "THORNABY FREIGHT SERVICES LTD", "active", "Depot 2", "Mandale Road",
             "Thornaby", "TS17 6BL", "2015-11-23"),
    _company("07654321", "TEESDALE CARE HOMES LIMITED", "active", "Norton Grange",
             "Station Road", "Norton", "TS20 1AB", "2011-06-01"),
    _company("05432198", "STOCKTON BAKERY LTD", "dissolved", "12", "High Street",
             "Stockton-on-Tees", "TS18 1QN", "2005-04-11", date_of_cessation="2025-09-30"),
    _company("06123987", "REDCAR STEEL FABRICATIONS LIMITED", "liquidation", "Works 7",
             "Trunk Road", "Redcar", "TS10 5QW", "2007-02-05", has_been_liquidated=True),
    _company("10293847", "OLD TOWN KITCHEN SWINDON LTD", "active", "3", "Wood Street",
             "Swindon", "SN1 3EG", "2016-07-19"),
]


def _search_item(company: dict) -> dict:
    address = company["registered_office_address"]
    snippet = ", ".join(v for k, v in address.items() if k != "country" and v)
    return {
        "kind": "searchresults#company", "title": company["company_name"],
        "company_number": company["company_number"], "company_status": company["company_status"],
        "company_type": company["type"], "date_of_creation": company["date_of_creation"],
        "address": address, "address_snippet": snippet, "links": company["links"],
    }


@dataclass
class CompaniesHouseStandIn:
    companies: dict[str, dict] = field(
        default_factory=lambda: {c["company_number"]: copy.deepcopy(c) for c in DEMO_COMPANIES}
    )
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, query)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str, query: str, authorised: bool) -> tuple[int, dict]:
        with self.lock:
            self.requests.append((path, query))
            if not authorised:
                return 401, {"error": "Invalid Authorization", "type": "ch:service"}
            if path.startswith("/company/") and path.count("/") == 2:
                number = unquote(path.rsplit("/", 1)[1]).upper()
                company = self.companies.get(number)
                if company is None:
                    return 404, {"errors": [{"error": "company-profile-not-found",
                                             "type": "ch:service"}]}
                return 200, copy.deepcopy(company)
            if path == "/search/companies":
                params = parse_qs(query)
                q = " ".join(params.get("q", [""])[0].lower().split())
                if not q:
                    return 400, {"errors": [{"error": "query-param-missing", "type": "ch:service",
                                             "location": "q"}]}
                per_page = int(params.get("items_per_page", ["20"])[0] or 20)
                start = int(params.get("start_index", ["0"])[0] or 0)
                words = [w for w in q.replace(".", " ").split() if w not in _SUFFIXES]
                found = [c for c in self.companies.values()
                         if q == c["company_number"].lower()
                         or (words and all(w in c["company_name"].lower().split() for w in words))]
                return 200, {
                    "kind": "search#companies", "total_results": len(found),
                    "items_per_page": per_page, "start_index": start,
                    "items": [_search_item(c) for c in found[start:start + per_page]],
                }
            return 404, {"errors": [{"error": "not-found", "type": "ch:service"}]}


class _Handler(BaseHTTPRequestHandler):
    standin: CompaniesHouseStandIn

    def do_GET(self):  # noqa: N802 (http.server's name)
        import base64

        parts = urlsplit(self.path)
        auth = self.headers.get("Authorization", "")
        authorised = False
        if auth.startswith("Basic "):
            try:
                user = base64.b64decode(auth[6:]).decode().split(":", 1)[0]
                authorised = bool(user)
            except ValueError:
                authorised = False
        status, body = self.server.standin.answer(parts.path, parts.query, authorised)  # type: ignore[attr-defined]
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # quiet
        logger.debug("Companies House stand-in: " + format, *args)


class StandInServer:
    def __init__(self, standin: CompaniesHouseStandIn, port: int = 0):
        self.standin = standin
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.httpd.standin = standin  # type: ignore[attr-defined]
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def serve(standin: CompaniesHouseStandIn | None = None, *, port: int = 0) -> StandInServer:
    return StandInServer(standin or CompaniesHouseStandIn(), port=port)


_development: StandInServer | None = None
_development_lock = threading.Lock()


def development_server() -> StandInServer:
    """The stand-in this process uses when ``settings.COMPANIES_HOUSE_STANDIN`` is on."""
    global _development
    with _development_lock:
        if _development is None:
            _development = serve()
            logger.info("Companies House stand-in at %s", _development.url)
    return _development
