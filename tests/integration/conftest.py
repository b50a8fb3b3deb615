"""Fixtures shared by the integration tests' modules."""

# The catalog of plans (starter, team, pro, max, annual) and the API helpers that go with it.
# The catalog of test_collection (basic, invoiced, free) and its API helpers.
from tests.integration.test_collection import billing  # noqa: E402, F401

# The console's two accounts (Kyoto by transfer, Sakura by card) and a staff member logged in.
from tests.integration.test_console import books, browser_client, console  # noqa: E402, F401
from tests.integration.test_plan_changes import plans  # noqa: F401
