"""Filters for the project's logging (``LOGGING`` in the settings)."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """Django logs a refused request (PermissionDenied, 403) with the exception's traceback,
    which buries real errors in the console; the one line "Forbidden: /path" is enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
