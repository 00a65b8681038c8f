"""One line per log event, for gunicorn's and the container's log collectors.

A traceback spans many lines; a collector reading stderr line by line would
split it into unrelated events. The formatter below writes the whole event,
traceback included, on one line, its line breaks escaped as the two
characters backslash and ``n`` (``\\n``), e.g.::

    2026-11-28T22:40:01+0000 ERROR django.request Internal Server Error: /admin/ | Traceback (most recent call last):\\n  File ...
"""

import logging


class OneLineFormatter(logging.Formatter):
    """logging.Formatter whose output never spans more than one line."""

    default_time_format = "%Y-%m-%dT%H:%M:%S%z"
    default_msec_format = None

    def format(self, record):
        record.message = record.getMessage()
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        parts = [self.formatMessage(record)]
        if record.exc_info:
            parts.append(self.formatException(record.exc_info))
        if record.stack_info:
            parts.append(self.formatStack(record.stack_info))
        text = " | ".join(parts)
        # Backslashes first, so an escaped break cannot be mistaken for a real one.
        return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")
