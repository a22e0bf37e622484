"""A faithful simulator of Oracle NetSuite's REST web services for one account.

See :class:`NetSuiteSimulator`; the change-event format is documented in :mod:`.events`.
"""

from __future__ import annotations

from ml_connector.sandbox.netsuite.events import ChangeEvent, sign
from ml_connector.sandbox.netsuite.simulator import NetSuiteSimulator

__all__ = ["ChangeEvent", "NetSuiteSimulator", "sign"]
