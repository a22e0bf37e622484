"""TBA signatures, JWT assertions and host rules, checked against the vendors' own examples."""

from __future__ import annotations

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from ml_connector.auth import (
    AssertionSigner,
    TbaCredentials,
    account_slug,
    algorithm_for,
    authorization_header,
    rest_base_url,
    token_url,
    zoho_hosts,
)
from ml_connector.auth.tba import base_string, signature
from ml_connector.errors import ConfigError

# Oracle's published TBA example (REST web services, section_1534941295).
ORACLE = TbaCredentials(
    realm="123456",
    consumer_key="ef40afdd8abaac111b13825dd5e5e2ddddb44f86d5a0dd6dcf38c20aae6b67e4",
    consumer_secret="d26ad321a4b2f23b0741c8d38392ce01c3e23e109df6c96eac6d099e9ab9e8b5",
    token_id="2b0ce516420110bcbd36b69e99196d1b7f6de3c6234c5afb799b73d87569f5cc",
    token_secret="c29a677df7d5439a458c063654187e3d678d73aca8e3c9d8bea1478a3eb0d295",
)
ORACLE_URL = httpx.URL(
    "https://123456.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40"
)


def test_tba_matches_oracles_test_vector() -> None:
    header = authorization_header(
        "GET", ORACLE_URL, ORACLE, nonce="fjaLirsIcCGVZWzBX0pg", timestamp=1508242306
    )
    assert 'oauth_signature="B5OIWznZ2YP0OB7VrJrGkYsTh%2B8H%2B5T9Hag%2Bo92q0zY%3D"' in header
    assert header.startswith('OAuth realm="123456", ')


def test_tba_base_string_includes_query_parameters_sorted() -> None:
    url = httpx.URL("https://a.example/path?limit=5&b=2")
    base = base_string("post", url, [("oauth_nonce", "n")])
    assert base == "POST&https%3A%2F%2Fa.example%2Fpath&b%3D2%26limit%3D5%26oauth_nonce%3Dn"


def test_tba_nonce_is_fresh_every_call() -> None:
    first = authorization_header("GET", ORACLE_URL, ORACLE, timestamp=1)
    second = authorization_header("GET", ORACLE_URL, ORACLE, timestamp=1)
    assert first != second


def test_tba_key_encodes_secrets() -> None:
    assert signature("x", "a&b", "c") != signature("x", "a", "b&c")


@pytest.mark.parametrize(
    ("account", "slug", "host"),
    [
        ("1234567", "1234567", "https://1234567.suitetalk.api.netsuite.com"),
        ("1234567_SB1", "1234567-sb1", "https://1234567-sb1.suitetalk.api.netsuite.com"),
        ("TSTDRV123_RP", "tstdrv123-rp", "https://tstdrv123-rp.suitetalk.api.netsuite.com"),
    ],
)
def test_account_id_to_host(account: str, slug: str, host: str) -> None:
    assert account_slug(account) == slug
    assert rest_base_url(account) == host
    assert token_url(account) == host + "/services/rest/auth/oauth2/v1/token"


def test_a_base_url_override_wins() -> None:
    assert (
        token_url("1", "http://127.0.0.1:9/")
        == "http://127.0.0.1:9/services/rest/auth/oauth2/v1/token"
    )


@pytest.mark.parametrize(
    ("dc", "accounts", "api"),
    [
        ("com", "https://accounts.zoho.com", "https://www.zohoapis.com"),
        ("eu", "https://accounts.zoho.eu", "https://www.zohoapis.eu"),
        ("in", "https://accounts.zoho.in", "https://www.zohoapis.in"),
        ("com.au", "https://accounts.zoho.com.au", "https://www.zohoapis.com.au"),
        ("jp", "https://accounts.zoho.jp", "https://www.zohoapis.jp"),
        ("ca", "https://accounts.zohocloud.ca", "https://www.zohoapis.ca"),
        ("com.cn", "https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn"),
        ("sa", "https://accounts.zoho.sa", "https://www.zohoapis.sa"),
    ],
)
def test_zoho_data_centres(dc: str, accounts: str, api: str) -> None:
    hosts = zoho_hosts(dc)
    assert (hosts.accounts_url, hosts.api_domain) == (accounts, api)


def test_zoho_overrides_and_unknown_dc() -> None:
    assert zoho_hosts("eu", accounts_url="http://127.0.0.1:5/").accounts_url == "http://127.0.0.1:5"
    with pytest.raises(ConfigError, match="valid: com, eu"):
        zoho_hosts("uk")


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(scope="module")
def rsa_pem() -> str:
    return _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture(scope="module")
def ec_pem() -> str:
    return _pem(ec.generate_private_key(ec.SECP256R1()))


def test_assertion_claims_and_signature(rsa_pem: str) -> None:
    signer = AssertionSigner(
        "client", "cert-1", rsa_pem, "https://aud", clock=lambda: 1_700_000_000
    )
    token = signer.sign()
    decoded = jwt.decode(token, RSAKey.import_key(rsa_pem), algorithms=["PS256"])
    assert decoded.header == {"typ": "JWT", "alg": "PS256", "kid": "cert-1"}
    claims = decoded.claims
    assert claims["iss"] == "client"
    assert claims["aud"] == "https://aud"
    assert claims["scope"] == ["restlets", "rest_webservices"]
    assert claims["iat"] == 1_700_000_000
    assert 0 < claims["exp"] - claims["iat"] < 3600
    assert (
        jwt.decode(signer.sign(), RSAKey.import_key(rsa_pem), algorithms=["PS256"]).claims["jti"]
        != claims["jti"]
    )


def test_ec_keys_sign_es256(ec_pem: str) -> None:
    assert algorithm_for(ec_pem) == "ES256"
    signer = AssertionSigner("c", "k", ec_pem, "a", algorithm="ES256")
    assert (
        jwt.decode(signer.sign(), ECKey.import_key(ec_pem), algorithms=["ES256"]).header["alg"]
        == "ES256"
    )


def test_rsa_defaults_to_ps256_and_rs256_is_refused_with_a_hint(rsa_pem: str) -> None:
    assert algorithm_for(rsa_pem) == "PS256"
    with pytest.raises(ConfigError, match="no longer accepts RS256") as info:
        algorithm_for(rsa_pem, "RS256")
    assert "PS256" in info.value.hint


def test_a_key_that_is_not_a_key_is_named() -> None:
    with pytest.raises(ConfigError, match="private_key_pem is not"):
        algorithm_for("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n")
