"""Private keys and tokens never reach a log: one redaction filter for every logger.

Paths can carry a plan's key (/p/<key>/...), a calendar feed key, an invite
token (/join/<token>/) or a signed reminder link (/reminders/<token>/), and
many log lines name a path: Django's request and CSRF warnings ("Forbidden
(CSRF token missing.): /p/<key>/save/", "Internal Server Error: /p/<key>/"),
gunicorn's error log ("Error handling request POST /p/<key>/delete/"), and
tracebacks. RedactingFilter rewrites a record's message, traceback and any
request attached to it. It runs on every record as it is made (the record
factory installed by configure, Django's LOGGING_CONFIG), so no logger,
handler or test capture sees the raw text, and on our handlers and
gunicorn's too (config/gunicorn.py) for what is attached afterwards.

One clock for every line: the web server (Django and gunicorn's own lines),
the Celery worker and beat all write UTC with its "Z" (UTCFormatter), and
`make run` starts honcho with TZ=UTC, so its prefix shows the same clock.
"""

import logging
import logging.config
import re
import time
from typing import Any

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class UTCFormatter(logging.Formatter):
    """LOG_FORMAT, with the time in UTC to the millisecond and a "Z":
    2026-12-02T09:15:03.120Z. The process's own time zone plays no part
    (Django sets TZ to TIME_ZONE in its processes; gunicorn's master and
    honcho keep the machine's)."""

    converter = staticmethod(time.gmtime)
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def __init__(self, fmt: str | None = LOG_FORMAT, datefmt: str | None = None) -> None:
        super().__init__(fmt, datefmt)


# Paths whose segments after the prefix hold private keys or tokens: a plan
# (/p/<key>/ and everything under it, like /p/<key>/calendar/<feed key>.ics),
# an invite (/join/<token>/), a reminder link (/reminders/<token>/). Without a
# matching route, everything after such a prefix is replaced.
_PRIVATE_PATH = re.compile(r"/(p|join|reminders|i|r|cal|u)/[^?#\s\"\'<>]+", re.IGNORECASE)
_ROUTE_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


def _by_route(path: str) -> str | None:
    """The path with each private part of its route replaced; None when no route matches.

    The app's own route says which parts are private: only whole numbers and
    step slugs stay, so /p/<key>/steps/<slug>/ becomes
    /p/[private]/steps/make-a-backup/.
    """
    try:
        from django.urls import resolve

        match = resolve(path)
    except Exception:  # no route, or Django not set up
        return None
    route = match.route or ""
    if "(?" in route or "^" in route or "$" in route:  # a regular-expression route
        return None

    def part(found: re.Match) -> str:
        converter, name = found.group(1) or "str", found.group(2)
        value = match.kwargs.get(name)
        if converter == "int" or (converter == "slug" and name == "slug"):
            return str(value)
        return "[private]"

    return "/" + _ROUTE_PARAMETER.sub(part, route)


def redact(text: str) -> str:
    """The text with each private path blanked: by its route, or all after /p/ (and the like)."""

    def blank(found: re.Match) -> str:
        if found.group(0).startswith(f"/{found.group(1)}/[private]"):
            return found.group(0)  # redacted already (slugs kept)
        return _by_route(found.group(0)) or f"/{found.group(1)}/[private]"

    return _PRIVATE_PATH.sub(blank, text)


def redact_path(path: str) -> str:
    """A request path with each private part of its route replaced (or by prefix, with no route)."""
    return _by_route(path) or redact(path)


class RedactingFilter(logging.Filter):
    """Rewrites the record in place (message, traceback, attached request); drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "_redacted", False):
            try:
                message = record.getMessage()
            except Exception:  # a bad format string: keep what can be kept
                message = str(record.msg)
            record.msg, record.args = redact(message), ()
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = redact(record.exc_text)
            if record.stack_info:
                record.stack_info = redact(record.stack_info)
            record._redacted = True
        request = getattr(record, "request", None)
        if request is not None and not isinstance(request, str):
            # Django attaches the request (its repr names the path).
            path = redact_path(str(getattr(request, "path", "")))
            record.request = f"<{request.__class__.__name__}: {path}>"
        return True


_redact = RedactingFilter()


def _install_record_factory() -> None:
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _redact.filter(record)
        return record

    factory.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def configure(settings: dict[str, Any]) -> None:
    """Django's LOGGING_CONFIG: the LOGGING dict, with every record redacted as it is made."""
    _install_record_factory()
    logging.config.dictConfig(settings)
