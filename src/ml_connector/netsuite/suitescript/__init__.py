"""The SuiteCloud project that customers deploy to send change events, and how to deploy it.

The project (this folder, shipped in the package) holds two kinds of script sharing one event
library, ``mlc_event.js``: Event Subscribers for NetSuite 2026.2 and later (they run after the
save, so users never wait for us) and a User Event ``afterSubmit`` script for older accounts.
An account runs one kind, never both, or every change would be reported twice.

Secret: the connection's ``webhook_secret`` is ``whsec_<base64>``; the NetSuite API Secret holds
the base64 text after ``whsec_`` and the scripts open it with ``encoding: BASE_64``, so NetSuite
and the receiver key HMAC-SHA256 with the same bytes without the secret ever being in a script.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from ml_connector.errors import ConfigError
from ml_connector.netsuite.events import SECRET_PREFIX, parse_secrets

__all__ = [
    "PROJECT",
    "SECRET_SCRIPT_ID",
    "api_secret_value",
    "config_module",
    "deployment_steps",
    "write_project",
]

PROJECT = Path(__file__).parent
SECRET_SCRIPT_ID = "custsecret_mlc_webhook"  # noqa: S105 - the secret's name, not its value
SCRIPTS = "FileCabinet/SuiteScripts/ml_connector"
CONFIG_FILE = f"{SCRIPTS}/mlc_config.js"
USER_EVENT_OBJECTS = ("Objects/customscript_mlc_change_events_ue.xml",)
SUBSCRIBER_OBJECTS = ("Objects/custevsub_mlc_created.xml", "Objects/custevsub_mlc_updated.xml")
_URL_LINE = re.compile(r"^(\s*webhookUrl: ).*,$", re.MULTILINE)
_ROLES_LINE = re.compile(r"^(\s*skipRoles: ).*,$", re.MULTILINE)


def _checked_url(webhook_url: str) -> str:
    parts = urlsplit(webhook_url)
    if parts.scheme not in {"https", "http"} or not parts.netloc:
        raise ConfigError(
            f"webhook URL {webhook_url!r} is not an http(s) URL",
            hint="give the public https URL of /hooks/netsuite/<connection>",
        )
    return webhook_url


def config_module(webhook_url: str, skip_roles: Sequence[int] = ()) -> str:
    """``mlc_config.js`` for one connection: the only file that differs between customers."""
    template = (PROJECT / CONFIG_FILE).read_text(encoding="utf-8")
    url = json.dumps(_checked_url(webhook_url))
    roles = json.dumps([int(role) for role in skip_roles])
    filled = _URL_LINE.sub(lambda m: f"{m.group(1)}{url},", template)
    return _ROLES_LINE.sub(lambda m: f"{m.group(1)}{roles},", filled)


def api_secret_value(secret: str) -> str:
    """What to store as the NetSuite API Secret: the base64 text of the newest secret."""
    parse_secrets(secret)  # refuse, here, a secret the receiver could not use either
    return secret.split(maxsplit=1)[0].removeprefix(SECRET_PREFIX)


def write_project(target: Path, webhook_url: str, *, event_subscriber: bool) -> Path:
    """Copy the project to ``target``, configured, with only the scripts the account can run."""
    shutil.copytree(PROJECT, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (target / CONFIG_FILE).write_text(config_module(webhook_url), encoding="utf-8")
    for unused in USER_EVENT_OBJECTS if event_subscriber else SUBSCRIBER_OBJECTS:
        (target / unused).unlink()
    return target


def deployment_steps(connection_name: str, webhook_url: str, secret: str) -> str:
    """The steps an administrator follows in NetSuite, with the API Secret value to enter."""
    host = urlsplit(_checked_url(webhook_url)).hostname
    config = config_module(webhook_url)
    indented = "\n".join(f"       {line}" if line else "" for line in config.splitlines())
    warning = (
        "\n   Warning: NetSuite only posts to https URLs; this one is not https.\n"
        if not webhook_url.startswith("https://")
        else ""
    )
    return _STEPS.format(
        name=connection_name,
        url=webhook_url,
        warning=warning,
        secret_id=SECRET_SCRIPT_ID,
        secret_suffix=SECRET_SCRIPT_ID.removeprefix("custsecret"),
        secret_value=api_secret_value(secret),
        host=host,
        project=PROJECT,
        config_file=CONFIG_FILE,
        config=indented,
        ue=", ".join(USER_EVENT_OBJECTS),
        es=", ".join(SUBSCRIBER_OBJECTS),
    )


_STEPS = """\
Send NetSuite change events to ml-connector (connection {name!r})

Events are posted to: {url}
{warning}
1. Create the API Secret the scripts sign with (Setup > Company > API Secrets > Create New;
   needs the Secrets Management feature):
     Name      ml-connector webhook ({name})
     ID        {secret_suffix}   (NetSuite prefixes "custsecret": {secret_id})
     Password  {secret_value}
     Restrict to scripts: the ml-connector change event scripts (after step 4)
     Restrict to domains: {host}
   The password is the base64 text after "whsec_" of this connection's webhook secret; the
   scripts open it with encoding BASE_64, so both sides use the same key. Treat it as a password.

2. Copy the SuiteCloud project from
     {project}
   and replace {config_file} with:

{config}

3. Keep the scripts your NetSuite version runs (never both, or every change is sent twice):
     2026.2 or later: delete {ue}
                      (Event Subscribers run after the save and never delay users)
     older accounts:  delete {es}

4. Deploy from the project folder:
     suitecloud account:setup
     suitecloud project:deploy

5. Check: edit a customer in the NetSuite UI. The receiver answers 202 when it stored the event;
   refusals are logged on the script's Execution Log as "ml-connector event refused" with the
   reason.

Changes made through REST web services (that is, by ml-connector itself) are not sent.
To rotate the secret: put the new whsec_ secret in front of the old one in the connection's
webhook_secret (separated by a space), update the API Secret's password in NetSuite, then drop
the old one; the receiver rereads secrets every few seconds. Events missed for any reason are
still found by the scheduled poll.
"""
