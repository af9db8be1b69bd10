"""Saving and loading the text models as one .npz (no pickle): each model class gives ``to_arrays()``
and ``from_arrays(arrays, where)``; this mixin adds ``save(path)`` and ``load(path)`` on top."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["NpzModel", "read_meta"]


def read_meta(z: Any, kind: str, where: str = "model") -> dict[str, Any]:
    """The JSON "meta" of saved arrays, checked to be of ``kind`` (the "kind" key is removed)."""
    meta = json.loads(str(z["meta"]))
    if meta.get("kind") != kind:
        raise ValueError(f"{where}: not a {kind} model (kind={meta.get('kind')!r})")
    meta.pop("kind")
    return meta


class NpzModel:
    def to_arrays(self) -> dict[str, np.ndarray]:
        raise NotImplementedError

    @classmethod
    def from_arrays(cls, z, where: str = "model"):
        raise NotImplementedError

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        np.savez_compressed(path, **self.to_arrays())
        return path

    @classmethod
    def load(cls, path: str | Path):
        with np.load(path, allow_pickle=False) as z:
            return cls.from_arrays(z, str(path))
