"""``python -m sim.validation RUN_DIR [RUN_DIR ...]``."""

import sys

from sim.validation.cli import main

sys.exit(main())
