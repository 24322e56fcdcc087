"""Fixtures shared by the service tests of several areas."""

from tests.services.conftest_gate import gate_site  # noqa: F401  (a fixture)
