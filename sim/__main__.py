"""``python -m sim`` is the ``wom`` command."""

import sys

from sim.cli import main

sys.exit(main())
