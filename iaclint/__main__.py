"""Allow `python -m iaclint` (through the scan server when one runs: `faces.launch`)."""
import sys

from iaclint.faces.launch import console

sys.exit(console())
