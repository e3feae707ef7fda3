"""``python -m sim`` is the ``wom`` command."""

from sim.cli import console

console()
