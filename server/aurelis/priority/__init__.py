"""Foreground priority: background work (index, cross-file pass) yields to per-file diagnostics."""

from aurelis.priority.gate import ForegroundGate

__all__ = ["ForegroundGate"]
