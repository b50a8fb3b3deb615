"""Fixtures shared by the integration tests' modules."""

# The catalog of plans (starter, team, pro, max, annual) and the API helpers that go with it.
from tests.integration.test_plan_changes import plans  # noqa: F401
