"""The API's one error shape, and the handlers that turn every failure into it.

Every error is ``{"error": {"code": ..., "message": ..., "fields": {field: [messages]}}}``
with one of the codes in ``ERROR_CODES`` (documented in docs/api.md).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from portal.core.exceptions import IllegalTransition

ERROR_CODES = {
    "invalid": (422, "The request had a problem; see fields"),
    "unauthenticated": (401, "Missing, unknown, expired or revoked token"),
    "insufficient_scope": (403, "A read-only token cannot change anything"),
    "not_found": (404, "No such record, or not one this token may see"),
    "conflict": (409, "The record is not in a state that allows this"),
    "rate_limited": (429, "Too many requests; wait for Retry-After seconds"),
    "bad_request": (400, "The request could not be understood"),
}


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorBody


class ApiError(Exception):
    def __init__(self, code: str, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.code, self.message, self.fields = code, message, fields or {}


class InsufficientScope(ApiError):
    def __init__(self):
        super().__init__("insufficient_scope", "This token is read-only; use a read-write token")


def error_response(
    api: NinjaAPI, request: HttpRequest, code: str, message: str, fields=None, headers=None
) -> HttpResponse:
    status = ERROR_CODES[code][0]
    response = api.create_response(
        request, {"error": {"code": code, "message": message, "fields": fields or {}}},
        status=status,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _loc_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "__all__"


def django_validation_fields(exc: DjangoValidationError) -> tuple[str, dict[str, list[str]]]:
    """A service's ``ValidationError`` as (message, {field: [messages]})."""
    if hasattr(exc, "error_dict"):
        fields = {name: [m for e in errors for m in e.messages]
                  for name, errors in exc.error_dict.items()}
        first = next(iter(fields.values()), ["The request had a problem"])
        return first[0], fields
    return "; ".join(exc.messages), {}


def install_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def _api_error(request, exc: ApiError):
        return error_response(api, request, exc.code, exc.message, exc.fields)

    @api.exception_handler(NinjaValidationError)
    def _invalid(request, exc: NinjaValidationError):
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            fields.setdefault(_loc_name(error.get("loc", ())), []).append(
                str(error.get("msg", "Invalid value"))
            )
        return error_response(api, request, "invalid", "The request had a problem", fields)

    @api.exception_handler(IllegalTransition)
    def _conflict(request, exc: IllegalTransition):
        message, fields = django_validation_fields(exc)
        return error_response(api, request, "conflict", message, fields)

    @api.exception_handler(DjangoValidationError)
    def _rule(request, exc: DjangoValidationError):
        message, fields = django_validation_fields(exc)
        return error_response(api, request, "invalid", message, fields)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return error_response(
            api, request, "unauthenticated",
            "Send a current API token as 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return error_response(api, request, "not_found", "Not found")

    @api.exception_handler(Throttled)
    def _throttled(request, exc: Throttled):
        wait = int(exc.wait or 1) + (1 if exc.wait and exc.wait % 1 else 0)
        return error_response(
            api, request, "rate_limited", f"Too many requests; try again in {wait} seconds",
            headers={"Retry-After": str(max(wait, 1))},
        )

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        code = {401: "unauthenticated", 403: "insufficient_scope", 404: "not_found",
                409: "conflict", 422: "invalid", 429: "rate_limited"}.get(
            exc.status_code, "bad_request")
        return error_response(api, request, code, str(exc.message))
