"""The database adapter. Importing it registers every table on the one MetaData."""

from . import schema, schema_access, schema_console, schema_events, schema_imports, schema_payments  # noqa: F401
