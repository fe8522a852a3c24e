"""Killing a writer process at a chosen moment, for the tests that prove saved state survives a
killed kernel (SIGKILL cannot be caught, so whatever the writer left on disk is what a learner
would find)."""

from __future__ import annotations

import os
import signal
import time
from multiprocessing.process import BaseProcess
from pathlib import Path


def kill_after_first_write(writer: BaseProcess, path: Path, delay: float) -> None:
    """Start `writer`, wait until `path` exists (at most 20 s), let it run `delay` seconds
    more, then SIGKILL it and reap it — pass or fail."""
    writer.start()
    try:
        deadline = time.monotonic() + 20
        while not path.exists():
            assert time.monotonic() < deadline, "the writer never wrote"
            time.sleep(0.005)
        time.sleep(delay)
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(20)
