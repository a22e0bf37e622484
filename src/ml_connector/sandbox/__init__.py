"""Faithful simulators of NetSuite and Zoho CRM, served on loopback for demos, tests and benchmarks.

Nothing here imports the connector's clients: a simulator that shared code with the client it
tests would agree with it even where both are wrong.
"""

from __future__ import annotations

__all__: list[str] = []
