"""``python -m monitor`` runs the ``monitor`` command."""

from monitor.cli import main

main()
