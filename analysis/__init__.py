"""Reproducible analysis of violent extremism in Mali and the Sahel."""

import logging
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mali-extremism-reports")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

# A library prints nothing unless the application configures logging (the command line does:
# analysis.core.console); messages go to the loggers "analysis.<module>".
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["__version__"]
