"""The served app's access log without secrets: uvicorn logs each request's path with its query
string, and a query may carry a token (a billing link from before links moved the token after `#`,
or a client that put a key in the URL). Their values are replaced before the line is written."""

from __future__ import annotations

import copy
import logging
import re

# A query parameter whose name says it is a secret: its value is never logged.
SECRET_PARAMETER = re.compile(r"([?&][^=&#\s]*(?:token|key|secret|password|session|csrf)[^=&#\s]*=)[^&#\s\"]*", re.I)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """The text with every secret-named query parameter's value replaced."""
    return SECRET_PARAMETER.sub(r"\1" + REDACTED, text)


class RedactSecrets(logging.Filter):
    """Rewrites an access-log record's arguments (and message) so that no secret is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def uvicorn_log_config() -> dict:
    """uvicorn's own logging set-up, with RedactSecrets on its access log."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_secrets"] = {"()": f"{__name__}.RedactSecrets"}
    config["loggers"]["uvicorn.access"]["filters"] = ["redact_secrets"]
    return config
