"""Start-up cost of the ``monitor`` command: a command's module, and the heavy libraries of
other commands, are imported only when that command runs (``monitor.cli.COMMANDS``)."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import monitor.cli
from monitor.cli import COMMANDS, main


def test_every_command_is_in_the_lazy_table_with_its_module() -> None:
    for info in pkgutil.iter_modules(monitor.cli.__path__):
        importlib.import_module(f"monitor.cli.{info.name}")
    assert set(main.commands) == set(COMMANDS)
    for name, command in main.commands.items():
        assert command.callback is not None
        assert command.callback.__module__ == f"monitor.cli.{COMMANDS[name]}", name


def test_poll_loads_neither_the_web_server_nor_slack_nor_alembic() -> None:
    probe = (
        "import sys\n"
        "from monitor.cli import main\n"
        "main(['poll', '--help'], standalone_mode=False)\n"
        "heavy = ('slack_sdk', 'starlette', 'uvicorn', 'alembic', 'jinja2', 'rich', 'aiosmtpd')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
