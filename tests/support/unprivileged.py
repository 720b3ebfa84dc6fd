"""Run a child process without Linux capabilities, so file permissions bind even when the
tests run as root (CI containers do): root with no CAP_DAC_* cannot read a mode-000 directory.

Used as ``subprocess.run(..., preexec_fn=drop_capabilities)``: between fork and exec the child
locks "root gets no capabilities on exec" (securebits NOROOT) and clears its own.
"""

from __future__ import annotations

import ctypes
import os

_PR_SET_SECUREBITS = 28
_SECBIT_NOROOT_AND_LOCKED = 0x3
_CAP_V3 = 0x20080522


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def drop_capabilities() -> None:
    if os.getuid() != 0:
        return  # permissions already bind
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_SECUREBITS, _SECBIT_NOROOT_AND_LOCKED, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECUREBITS)")
    if libc.capset(ctypes.byref(_Header(_CAP_V3, 0)), (_Data * 2)()) != 0:
        raise OSError(ctypes.get_errno(), "capset")
