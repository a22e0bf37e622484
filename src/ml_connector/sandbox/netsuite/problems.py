"""NetSuite's REST error bodies, built in one place so every rejection has the documented shape.

REST web services answer errors with ``{"type", "title", "status", "o:errorDetails": [...]}``
(reference §2 "Error envelope", §1.5 and §5); the OAuth 2.0 token endpoint instead answers
``{"error": "<code>"}`` (reference §1.3). Clients classify on status and ``o:errorCode``, so both
must be exact.
"""

from __future__ import annotations

from http import HTTPStatus

from starlette.responses import JSONResponse

__all__ = [
    "INVALID_LOGIN_DETAIL",
    "concurrency_exceeded",
    "invalid_login",
    "oauth_error",
    "problem",
]

_TYPES = {
    400: "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.1",
    401: "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.2",
    403: "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.4",
    404: "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.5",
    405: "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.6",
}
_GENERIC_TYPE = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"

INVALID_LOGIN_DETAIL = (
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at "
    "Setup > Users/Roles > User Management > View Login Audit Trail."
)


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **where: str,
) -> JSONResponse:
    """A REST web services error; ``where`` adds ``o:errorPath``-style keys (``errorPath=…``)."""
    item: dict[str, str] = {"detail": detail, "o:errorCode": code}
    item.update({f"o:{key}": value for key, value in where.items()})
    body = {
        "type": _TYPES.get(status, _GENERIC_TYPE),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "o:errorDetails": [item],
    }
    return JSONResponse(body, status_code=status, headers=headers)


def invalid_login(account_id: str, *, scheme: str = "Bearer") -> JSONResponse:
    """401 ``INVALID_LOGIN``: every auth failure looks the same to the client (reference §1.5)."""
    error = "invalid_token" if scheme == "Bearer" else "token_rejected"
    challenge = (
        f'{scheme} realm="{account_id}", error="{error}", '
        'error_description="Invalid login attempt."'
    )
    return problem(
        401, "INVALID_LOGIN", INVALID_LOGIN_DETAIL, headers={"WWW-Authenticate": challenge}
    )


def concurrency_exceeded() -> JSONResponse:
    """429 over the account's concurrency pool: the doc's body made valid JSON, no Retry-After."""
    body = {
        "type": _GENERIC_TYPE,
        "title": "Bad Request",
        "status": 429,
        "o:errorCode": "USER_ERROR",
        "o:errorDetails": [
            {
                "detail": "Concurrent request limit exceeded. Request blocked.",
                "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED",
            }
        ],
    }
    return JSONResponse(body, status_code=429)


def oauth_error(error: str, status: int = 400, *, account_id: str = "") -> JSONResponse:
    """The token endpoint's ``{"error": …}`` body; a 401 carries a Basic challenge."""
    headers = {"WWW-Authenticate": f'Basic realm="{account_id}"'} if status == 401 else None
    return JSONResponse({"error": error}, status_code=status, headers=headers)
