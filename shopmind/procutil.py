"""Process and thread helpers shared across packages."""

from __future__ import annotations

import logging
import os
import threading

log = logging.getLogger(__name__)


def nice_current_thread(nice: int, name: str = "thread") -> bool:
    """Add ``nice`` to the calling thread's niceness (Linux sets it per thread); False where it could
    not be set (other systems, or refused), with a warning naming ``name``."""
    if nice <= 0 or not hasattr(os, "setpriority"):
        return False
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, 0) + nice)
        return True
    except OSError as ex:
        log.warning("%s: niceness not set (%s)", name, ex)
        return False
