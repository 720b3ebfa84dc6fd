"""Aurelis: a Python code-intelligence language server."""

__version__ = "0.1.0"
