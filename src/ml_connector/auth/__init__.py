"""Credentials and tokens per connection: Zoho OAuth, NetSuite M2M / auth code / TBA."""

from __future__ import annotations

from ml_connector.auth.assertion import AssertionSigner, algorithm_for
from ml_connector.auth.flows import OAuthTokenAuth, TbaAuth
from ml_connector.auth.manager import TokenManager, TokenSlot
from ml_connector.auth.netsuite_hosts import account_slug, authorize_url, rest_base_url, token_url
from ml_connector.auth.netsuite_tokens import NetSuiteTokenEndpoint
from ml_connector.auth.tba import TbaCredentials, authorization_header
from ml_connector.auth.token import Grant, Token
from ml_connector.auth.zoho_hosts import DATA_CENTRES, ZohoHosts, zoho_hosts
from ml_connector.auth.zoho_tokens import ZohoThrottledError, ZohoTokenEndpoint

__all__ = [
    "DATA_CENTRES",
    "AssertionSigner",
    "Grant",
    "NetSuiteTokenEndpoint",
    "OAuthTokenAuth",
    "TbaAuth",
    "TbaCredentials",
    "Token",
    "TokenManager",
    "TokenSlot",
    "ZohoHosts",
    "ZohoThrottledError",
    "ZohoTokenEndpoint",
    "account_slug",
    "algorithm_for",
    "authorization_header",
    "authorize_url",
    "rest_base_url",
    "token_url",
    "zoho_hosts",
]
