"""Interactive authorization: turning a person's consent into a stored refresh token.

- Zoho self-client: the person pastes a grant code from the API console; we exchange it.
- Zoho redirect flow: we listen on a loopback port, the person approves in a browser, Zoho
  redirects to us with the code (Zoho allows ``http://127.0.0.1`` redirect URIs).
- NetSuite authorization code + PKCE: NetSuite allows only https (or custom-scheme) redirect
  URIs, so the person pastes the address the browser was sent to; we check ``state`` and
  exchange the code with the PKCE verifier. Its refresh token lives seven days.

Either way the refresh token (and the first access token) are sealed into the store and the
connection is marked ``active`` again.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, urlencode, urlsplit

from sqlalchemy import Engine

from ml_connector.auth.token import Grant
from ml_connector.errors import AuthError, ConfigError
from ml_connector.store.connections import ConnectionRow, set_status
from ml_connector.store.keyring import Keyring
from ml_connector.store.tokens import read_token, write_token

__all__ = [
    "NETSUITE_SCOPES",
    "ZOHO_SCOPES",
    "Consent",
    "consent_from_redirect",
    "new_consent",
    "store_grant",
]

ZOHO_SCOPES = (
    "ZohoCRM.modules.ALL",
    "ZohoCRM.settings.ALL",
    "ZohoCRM.notifications.ALL",
    "ZohoCRM.org.READ",
    "ZohoCRM.users.READ",
)
NETSUITE_SCOPES = ("rest_webservices", "restlets")


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass(frozen=True)
class Consent:
    """One authorization request: where to send the person, and what to check on return."""

    authorize_url: str
    redirect_uri: str
    state: str = field(repr=False)
    verifier: str = field(repr=False, default="")


def new_consent(
    base: str, *, client_id: str, redirect_uri: str, scopes: tuple[str, ...], pkce: bool, zoho: bool
) -> Consent:
    """A fresh state (and PKCE verifier) and the URL the person must open."""
    state = secrets.token_urlsafe(24)
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "scope": ("," if zoho else " ").join(scopes),
    }
    verifier = ""
    if zoho:
        params.update(access_type="offline", prompt="consent")
    if pkce:
        verifier = secrets.token_urlsafe(64)[:96]
        params.update(code_challenge=_challenge(verifier), code_challenge_method="S256")
    return Consent(f"{base}?{urlencode(params)}", redirect_uri, state, verifier)


def consent_from_redirect(consent: Consent, redirected_to: str) -> str:
    """The authorization code from the address the browser was redirected to."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(redirected_to.strip()).query).items()}
    if "error" in query:
        raise AuthError(
            "authorization",
            f"consent was refused: {query['error']}",
            hint="approve the request, or check the redirect URI registration",
        )
    if not secrets.compare_digest(query.get("state", ""), consent.state):
        raise ConfigError(
            "the address does not belong to this authorization (state differs)",
            hint="paste the address your browser shows after approving this request",
        )
    if not query.get("code"):
        raise ConfigError("the address carries no authorization code")
    return query["code"]


def store_grant(
    engine: Engine, keyring: Keyring, row: ConnectionRow, system: str, grant: Grant
) -> None:
    """Seal the grant's refresh and access tokens and mark the connection active."""
    target = (row.id, system)
    refresh = grant.refresh_token
    _put(engine, keyring, target, "refresh", refresh, expires_at=grant.refresh_expires_at)
    meta = {"api_domain": grant.token.api_domain} if grant.token.api_domain else None
    token = grant.token
    _put(
        engine,
        keyring,
        target,
        "access",
        token.access_token,
        expires_at=token.expires_at,
        meta=meta,
    )
    set_status(engine, row.id, "active")


def _put(
    engine: Engine,
    keyring: Keyring,
    target: tuple[int, str],
    kind: str,
    value: str,
    *,
    expires_at: datetime | None,
    meta: dict[str, str] | None = None,
) -> None:
    connection_id, system = target
    current = read_token(engine, keyring, connection_id, system, kind)
    written = write_token(
        engine,
        keyring,
        connection_id,
        system,
        kind,
        value=value,
        expires_at=expires_at,
        expected_version=current.version if current else None,
        meta=meta,
    )
    if not written:
        raise AuthError(
            system,
            "another process stored a token at the same moment; run again",
            reauthorize=False,
        )
