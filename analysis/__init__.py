"""Reproducible analysis of violent extremism in Mali and the Sahel."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mali-extremism-reports")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
