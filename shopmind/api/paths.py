"""No server path in a response: file paths in messages, reports and job records are shown relative
to the shop home when under it, else as the file's name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

# an absolute POSIX path of two or more parts, not inside a URL or a relative path
_PATH = re.compile(r"(?<![\w.:/~-])/(?:[^\s/:'\",;()<>\[\]{}]+/)+[^\s/:'\",;()<>\[\]{}]*")


def hide_paths(obj: Any, home: Path | str | None = None) -> Any:
    """``obj`` (str, list, dict, nested) with every absolute path replaced (see the module docstring)."""
    if isinstance(obj, str):
        return _PATH.sub(lambda m: _public(m.group(0), str(home) if home else None), obj)
    if isinstance(obj, dict):
        return {k: hide_paths(v, home) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [hide_paths(v, home) for v in obj]
    return obj


def _public(path: str, home: str | None) -> str:
    if home and path.startswith(home.rstrip("/") + "/"):
        return path[len(home.rstrip("/")) + 1 :]
    return path.rstrip("/").rsplit("/", 1)[-1]
