"""Zoho's documented write answers (reference §2.3, §2.4, §5), as unit-test fixtures."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]


def success(record_id: str, action: str, duplicate_field: str | None = "NetSuite_ID") -> Json:
    """An upsert element that wrote its record."""
    message = "record added" if action == "insert" else "record updated"
    return {
        "code": "SUCCESS",
        "duplicate_field": duplicate_field,
        "action": action,
        "details": {
            "Modified_Time": "2020-10-14T10:31:43+05:30",
            "Modified_By": {"name": "Patricia Boyle", "id": "4150868000000225013"},
            "Created_Time": "2019-09-11T16:21:15+05:30",
            "id": record_id,
            "Created_By": {"name": "Patricia Boyle", "id": "4150868000000225013"},
        },
        "message": message,
        "status": "success",
    }


INVALID_DATA: Json = {
    "code": "INVALID_DATA",
    "details": {
        "expected_data_type": "text",
        "api_name": "Company",
        "json_path": "$.data[1].Company",
    },
    "message": "invalid data",
    "status": "error",
}

DUPLICATE_DATA: Json = {
    "code": "DUPLICATE_DATA",
    "details": {
        "api_name": "Unique_1",
        "duplicate_record": {
            "Owner": {"name": "Pranav", "id": "2008662000000454001", "zuid": "75092197"},
            "id": "2008662000006256222",
        },
        "json_path": "$.data[0].Unique_1",
        "id": "2008662000006256222",
        "more_records": False,
    },
    "message": "duplicate data",
    "status": "error",
}

MANDATORY_NOT_FOUND: Json = {
    "code": "MANDATORY_NOT_FOUND",
    "details": {"api_name": "Last_Name", "json_path": "$.data[0].Last_Name"},
    "message": "required field not found",
    "status": "error",
}

MULTIPLE_ERRORS: Json = {
    "code": "MULTIPLE_OR_MULTI_ERRORS",
    "details": {
        "errors": [
            {
                "code": "DUPLICATE_DATA",
                "details": {"api_name": "Email", "json_path": "$.data[0].Email"},
                "message": "duplicate data",
                "status": "error",
            },
            {
                "code": "DUPLICATE_DATA",
                "details": {"api_name": "Mobile", "json_path": "$.data[0].Mobile"},
                "message": "duplicate data",
                "status": "error",
            },
        ]
    },
    "message": "Multiple errors in the request",
    "status": "error",
}

TOO_MANY_REQUESTS: Json = {
    "code": "TOO_MANY_REQUESTS",
    "details": {},
    "message": (
        "Number of API requests for the 24 hour period is exceeded or the concurrency limit of "
        "the user for the app is exceeded"
    ),
    "status": "error",
}

INTERNAL_ERROR: Json = {
    "code": "INTERNAL_ERROR",
    "details": {},
    "message": "Internal server error occurred.",
    "status": "error",
}

INVALID_DUPLICATE_CHECK: Json = {
    "code": "INVALID_DATA",
    "details": {"api_name": "NetSuite_ID", "json_path": "$.duplicate_check_fields[0]"},
    "message": "invalid data",
    "status": "error",
}
