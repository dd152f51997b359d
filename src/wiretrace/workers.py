"""Worker processes that die with their parent.

``analyze`` forks workers (the claims batches, the story parts). Killed with ``kill -9``, the parent
cannot stop them, and they used to run on for minutes with parent PID 1, holding the store's
files. Each worker asks the Linux kernel to send it SIGKILL when its parent dies
(``prctl(PR_SET_PDEATHSIG)``); elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """A ``ProcessPoolExecutor`` initializer: this process ends when the one that started it does."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request was in place
        os._exit(1)
