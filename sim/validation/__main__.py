"""``python -m sim.validation RUN_DIR [RUN_DIR ...]``."""

import sys

from sim.validation.command import main

sys.exit(main())
