"""Allow `python -m iaclint`."""
import sys

from iaclint.faces.cli import main

sys.exit(main())
