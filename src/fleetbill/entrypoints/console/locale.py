"""Japanese for the operator's console: English text -> Japanese."""

JA: dict[str, str] = {}
