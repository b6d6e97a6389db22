"""The version of dtz-letters (the package re-exports it as ``dtz_letters.__version__``).

Kept in a module of its own, below every stage, so that the output cache can make it part of
every key without importing the public API.
"""

__version__ = "0.1.0"
