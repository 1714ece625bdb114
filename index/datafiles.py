"""Our own data files (index/data/): only what no maintained package holds."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"


def read_json(name: str) -> Any:
    """The parsed content of one data file."""
    return json.loads((DATA_DIR / name).read_text("utf-8"))
