"""Process helpers for the reliability tests (imported by them; not collected)."""

from __future__ import annotations

import multiprocessing
import os

FORK = multiprocessing.get_context("fork")
SECONDS = float(os.environ.get("WUYE_RELIABILITY_SECONDS", "30"))


def start(target, *args):  # type: ignore[no-untyped-def]
    proc = FORK.Process(target=target, args=args, daemon=True)
    proc.start()
    return proc
