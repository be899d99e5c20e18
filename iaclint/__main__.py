"""Allow `python -m iaclint`."""
import sys

from iaclint.faces.cli import console

sys.exit(console())
