"""Asking a running service over HTTP, and waiting for a condition, from tests."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest


def get(url: str, timeout: float = 10) -> tuple[int, str]:
    """(status, body text) of a GET; an HTTP error status is returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def get_json(url: str, timeout: float = 10) -> tuple[int, Any]:
    code, body = get(url, timeout)
    return code, json.loads(body)


def wait_for(check: Callable[[], Any], timeout: float = 60) -> Any:
    """Poll ``check`` until it returns something true (returned); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail("condition never became true")
