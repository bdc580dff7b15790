"""`python -m hotline` runs the `hotline` command."""

import sys

from hotline.cli import main

sys.exit(main())
