"""Messages of the command line through ``logging``: the commands print what they always
printed, and a library user can silence or redirect the package's loggers like any other.

Each module logs to ``logging.getLogger(__name__)`` (under ``analysis``); the package adds only
a NullHandler (``analysis/__init__.py``), so nothing is printed unless the application (or
``configure`` below, which the command line calls) sets up logging.
"""

from __future__ import annotations

import logging
import sys

PACKAGE_LOGGER = "analysis"


class ConsoleHandler(logging.Handler):
    """Information to standard output, warnings and errors to standard error, each as the
    bare message; the streams are looked up at each message (a test or caller may swap them)."""

    def emit(self, record: logging.LogRecord) -> None:
        """Write one message to the stream its level goes to."""
        try:
            stream = sys.stderr if record.levelno >= logging.WARNING else sys.stdout
            stream.write(self.format(record) + "\n")
            stream.flush()
        except Exception:  # logging's contract: a failing handler reports, never raises
            self.handleError(record)


def configure(quiet: bool = False) -> logging.Logger:
    """Print the package's messages as the command line does (``quiet``: warnings and errors
    only); calling it again replaces the handler instead of adding a second one."""
    logger = logging.getLogger(PACKAGE_LOGGER)
    for handler in [h for h in logger.handlers if isinstance(h, ConsoleHandler)]:
        logger.removeHandler(handler)
    logger.addHandler(ConsoleHandler())
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    # printed once, here: an application's root handlers would print them a second time
    logger.propagate = False
    return logger
