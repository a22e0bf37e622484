"""NetSuite: SuiteQL client, readers, change events and the shipped SuiteScript."""

from __future__ import annotations

from ml_connector.netsuite.queries import RECORD_TYPES, RecordQuery, record_query
from ml_connector.netsuite.readers import RecordReader, Row
from ml_connector.netsuite.records import RecordService
from ml_connector.netsuite.suiteql import MAX_PAGE, MAX_ROWS, Page, SuiteQL
from ml_connector.netsuite.values import account_zone

__all__ = [
    "MAX_PAGE",
    "MAX_ROWS",
    "RECORD_TYPES",
    "Page",
    "RecordQuery",
    "RecordReader",
    "RecordService",
    "Row",
    "SuiteQL",
    "account_zone",
    "record_query",
]
