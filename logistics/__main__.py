"""``python -m logistics``: the same command as ``logistics``."""

import sys

from .cli import main

sys.exit(main())
