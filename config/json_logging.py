"""Log records as one JSON object a line, for log shippers to index without parsing.

Imported by the LOGGING setting before the apps are loaded, so it touches no model.
The request id of the request being served (config/request_log.py sets it) is added
to every record, so that a traceback can be joined with its request's line.
"""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# A record's own attributes; anything else on it came from ``extra=``.
RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}
SCALARS = (str, int, float, bool, type(None))


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """Time, level, logger, message and the scalar extras. Objects passed as extras
    are left out: Django's ``extra={"request": ...}`` would print the full URL,
    query string included, and a query string may hold a secret."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in RECORD_ATTRIBUTES and isinstance(value, SCALARS):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
