"""Fault tests reuse the flow test world."""
from tests.integration.flow_engine.conftest import world  # noqa: F401
