"""Tasks for the worker-pool tests: module-level, so that worker processes can import them."""

from __future__ import annotations

import os
import time


class Unpicklable(Exception):
    def __init__(self, handle: object) -> None:
        super().__init__("holds a handle")
        self.handle = handle

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("cannot pickle this error")


def pid() -> int:
    return os.getpid()


def nap(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def nap_and_tell(path: str, seconds: float) -> int:
    """Write this worker's pid to ``path``, then sleep."""
    with open(path, "w") as f:
        f.write(str(os.getpid()))
    return nap(seconds)


def burn() -> None:
    """Spin on the CPU until stopped (the budget's job)."""
    n = 0
    while True:
        n += 1


def fail(message: str) -> None:
    raise LookupError(message)


def fail_unpicklably() -> None:
    raise Unpicklable(object())


def broken_init() -> None:
    raise RuntimeError("no database here")


def log_warning(message: str) -> None:
    import logging

    logging.getLogger("some.library").warning(message)


def imported(prefix: str) -> bool:
    """Whether this worker has imported a module named ``prefix`` or under it."""
    import sys

    return any(name == prefix or name.startswith(prefix + ".") for name in sys.modules)
