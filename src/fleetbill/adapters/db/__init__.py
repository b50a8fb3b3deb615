"""The database adapter. Importing it registers every table on the one MetaData."""

from . import (  # noqa: F401
    schema,
    schema_access,
    schema_accounts,
    schema_budgets,
    schema_console,
    schema_credit_notes,
    schema_events,
    schema_imports,
    schema_payments,
)
