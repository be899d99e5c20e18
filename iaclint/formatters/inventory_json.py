"""`iaclint inventory --format json`: the asset graph and its attack paths as one JSON
document, versioned, with a published schema (`docs/schema/inventory.json`)."""
from __future__ import annotations

import json

from iaclint.formatters.inventory_data import document


def format_inventory_json(result, colour: bool = False) -> str:
    return json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
