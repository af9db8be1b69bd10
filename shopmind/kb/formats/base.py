"""What every format reader shares: raw rows, row errors, file bytes (zip-aware), text decoding."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shopmind.kb.formats.encoding import NotText, check_text, detect


_BAD = re.compile("[\udc80-\udcff]")


class IngestError(Exception):
    """A file could not be read at all (missing, unknown format, broken syntax): CLI exit code 2."""


@dataclass
class RowError:
    """One problem of one input row: which file, which row (line/record number), which field, why."""

    file: str
    row: int
    field: str
    reason: str
    value: Any = None

    def as_dict(self) -> dict[str, Any]:
        """As JSON-safe text: invalid bytes in a field name or reason shown as \\x.. escapes."""
        return {"file": self.file, "row": self.row, "field": safe_text(self.field), "reason": safe_text(self.reason)}


@dataclass
class RawRow:
    """A record as read from the file, before validation; ``errors`` holds read-time problems."""

    file: str
    row: int
    data: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)
    typed: bool = False  # True when values already carry types (JSON); CSV values are strings
    check_encoding: bool = True  # False when the reader saw no invalid bytes in the whole file


@dataclass
class ReadStats:
    """Counters a reader fills while reading (e.g. identical repeats it dropped on purpose)."""

    skipped: int = 0
    notes: list[str] = field(default_factory=list)
    encodings: list[str] = field(default_factory=list)  # one per file read


def read_bytes(path: Path, limit: int | None = None) -> tuple[bytes, str]:
    """The file's bytes (the first ``limit`` of a plain file) and inner name; a .zip yields its data member."""
    try:
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as z:
                names = [n for n in z.namelist() if not n.endswith("/") and not n.startswith("__MACOSX")]
                if not names:
                    raise IngestError(f"{path}: zip archive is empty")
                return z.read(names[0]), names[0]
        if limit is not None:
            with path.open("rb") as fh:
                return fh.read(limit), path.name
        return path.read_bytes(), path.name
    except FileNotFoundError:
        raise IngestError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise IngestError(f"{path}: is a directory") from None
    except zipfile.BadZipFile as exc:
        raise IngestError(f"{path}: not a valid zip archive ({exc})") from None
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc})") from None


def decode(raw: bytes, encoding: str | None = None, stats: "ReadStats | None" = None, name: str = "") -> str:
    """Decode file bytes: ``encoding`` if given, else detected (see ``encoding.py``); noted in ``stats``.

    Invalid UTF-8 bytes become lone surrogates so each bad row can be reported; bytes that are not
    text at all (an image, random data) raise one IngestError."""
    where = f"{name}: " if name else ""
    if encoding:
        try:
            text = raw.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise IngestError(f"{where}cannot decode file as {encoding}: {exc}") from None
        _note(stats, encoding)
        return text
    try:
        check_text(raw)
    except NotText as exc:
        raise IngestError(f"{where}{exc}") from None
    if not raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        try:
            text = raw.decode("utf-8-sig")
            _note(stats, "utf-8")
            return text
        except UnicodeDecodeError:
            pass
    used = detect(raw, utf8_checked=True)
    if used in ("utf-8", "utf-8-sig"):
        _note(stats, "utf-8")
        return raw.decode("utf-8-sig", errors="surrogateescape")
    _note(stats, used)
    return raw.decode(used)


def _note(stats: "ReadStats | None", encoding: str) -> None:
    if stats is not None:
        stats.encodings.append(encoding)


def safe_text(v: str) -> str:
    """Text with invalid bytes (surrogate-escaped) shown as \\x.. escapes, so it can be stored and sent."""
    return v.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") if has_bad_bytes(v) else v


def has_bad_bytes(text: str) -> bool:
    """True when ``text`` holds bytes that were not valid UTF-8 (surrogate-escaped by ``decode``)."""
    return _BAD.search(text) is not None


def bad_encoding_fields(data: Any, prefix: str = "") -> list[str]:
    """Names of the fields (dotted for nested values) whose text holds invalid UTF-8 bytes."""
    out: list[str] = []
    if isinstance(data, dict):
        for k, v in data.items():
            name = f"{prefix}{k}"
            if isinstance(k, str) and has_bad_bytes(k):
                out.append(name)
            else:
                out.extend(bad_encoding_fields(v, name + "."))
    elif isinstance(data, list):
        for v in data:
            out.extend(bad_encoding_fields(v, prefix))
    elif isinstance(data, str) and has_bad_bytes(data):
        out.append(prefix.rstrip(".") or "?")
    return out


def legacy_decode(text: str) -> str:
    """Re-decode only the invalid bytes (surrogate-escaped) as Windows-1252, latin-1 where undefined."""

    def one(ch: str) -> str:
        if not "\udc80" <= ch <= "\udcff":
            return ch
        b = bytes([ord(ch) - 0xDC00])
        try:
            return b.decode("cp1252")
        except UnicodeDecodeError:
            return b.decode("latin-1")

    return "".join(one(ch) for ch in text) if has_bad_bytes(text) else text
