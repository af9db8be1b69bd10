"""Turn raw rows into ProductIn records, or into errors that name file, row, field and reason."""

from __future__ import annotations

import json
import math
import re
from typing import Any, Iterable, Iterator

from pydantic import ValidationError

from shopmind.kb.formats.base import RawRow, RowError, bad_encoding_fields
from shopmind.kb.models import CURRENCY_SIGNS, ProductIn

FIELDS = tuple(ProductIn.model_fields)  # id title sku ean brand category price currency stock ...
# Common column names of other layouts, used only when the canonical column is absent.
ALIASES = {
    "product_id": "id", "productid": "id", "item_id": "id", "product id": "id",
    "name": "title", "product_name": "title", "product_title": "title",
    "product_description": "description", "desc": "description", "short_description": "description",
    "supplier": "brand", "manufacturer": "brand", "vendor": "brand",
    "gtin": "ean", "upc": "ean", "barcode": "ean", "ean13": "ean",
    "categories": "category", "category_path": "category",
    "image": "images", "image_url": "images", "image_urls": "images", "img": "images",
    "qty": "stock", "quantity": "stock", "inventory": "stock", "lang": "language",
}
ATTR_PREFIXES = ("attr:", "attr.", "attributes.", "attribute:")
_TYPED_PREFIXES = {"attr_t_": "t", "attr_n_": "n", "attr_b_": "b"}
_NUM = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


class Unparsable(ValueError):
    """A text that should be a number but is not."""


def parse_number(text: Any, integer: bool = False) -> tuple[float | int | None, str | None]:
    """(number, currency seen) from '12.5', '1,299.00', '¥99', '99元'; raises Unparsable otherwise."""
    if isinstance(text, bool):
        raise Unparsable(repr(text))
    if text is None:
        return None, None
    if isinstance(text, (int, float)):
        v: float | int = text
    else:
        s = str(text).strip()
        if not s:
            return None, None
        currency = None
        for sign in sorted(CURRENCY_SIGNS, key=len, reverse=True):
            if s.startswith(sign) or s.endswith(sign):
                currency = CURRENCY_SIGNS[sign]
                s = (s[len(sign):] if s.startswith(sign) else s[: -len(sign)]).strip()
                break
        if _THOUSANDS.fullmatch(s):
            s = s.replace(",", "")
        if not _NUM.fullmatch(s):
            raise Unparsable(repr(str(text)))
        v = float(s)
        if integer:
            if not v.is_integer():
                raise Unparsable(f"{text!r} (not a whole number)")
            v = int(v)
        return v, currency
    if integer and isinstance(v, float):
        if not v.is_integer():
            raise Unparsable(f"{text!r} (not a whole number)")
        v = int(v)
    return v, None


def _attr_value(v: Any, typed: bool) -> Any:
    """A typed attribute value; CSV text that is a plain number becomes a number."""
    if isinstance(v, list):
        if all(isinstance(x, (str, int, float, bool)) for x in v):
            return ", ".join(str(x) for x in v)
        raise ValueError("attribute value must be text, a number, yes/no or a list of those")
    if isinstance(v, dict):
        raise ValueError("attribute value must be text, a number, yes/no or a list of those")
    if typed or not isinstance(v, str):
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"attribute number must be finite, got {v!r}")
        return v
    s = v.strip()
    if re.fullmatch(r"-?(0|[1-9]\d{0,14})", s):
        return int(s)
    if re.fullmatch(r"-?(0|[1-9]\d*)\.\d+", s):
        return float(s)
    low = s.lower()
    if low in ("true", "false"):
        return low == "true"
    return s


def normalize(
    raw: RawRow, mapping: dict[str, str | None] | None = None
) -> tuple[dict[str, Any], list[RowError], dict[str, tuple[str, Any]]]:
    """Map keys onto ProductIn fields and parse numbers/lists; errors name the original field.

    Also returns, per product field, the (column, raw value) it came from, for error reports."""
    errs: list[RowError] = []
    origin: dict[str, tuple[str, Any]] = {}

    def err(field: str, reason: str, value: Any = None) -> None:
        errs.append(RowError(raw.file, raw.row, field, reason, value))

    out: dict[str, Any] = {}
    attrs: dict[str, Any] = {}
    mapping = mapping or {}
    present = {k.strip().lower() for k in raw.data if isinstance(k, str)}
    for key, value in raw.data.items():
        if key in mapping:
            target = mapping[key]
            if not target:
                continue  # mapped to None: ignored on purpose
        else:
            low = key.strip().lower()
            target = low if low in FIELDS else ALIASES.get(low, key)
            if target in FIELDS and target != low and target in present:
                target = key  # alias shadowed by the real column: unknown
        if value is None:
            continue
        origin[target] = (key, value)
        if target == "attributes" and isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                err(key, f"attributes must be a JSON object ({exc.msg})", value)
                continue
        if target == "attributes" and isinstance(value, dict):
            for k, v in value.items():
                if v is None or v == "":
                    continue
                t = type(v)
                if raw.typed and (t is str or t is int or t is bool or (t is float and math.isfinite(v))):
                    attrs[str(k)] = v  # fast path: already a typed scalar
                    continue
                try:
                    attrs[str(k)] = _attr_value(v, raw.typed)
                except ValueError as exc:
                    err(f"attributes.{k}", str(exc), v)
            continue
        prefix = None if target in FIELDS else next(
            (p for p in ATTR_PREFIXES if target.lower().startswith(p)), None)
        if prefix is not None or (target not in FIELDS and target[:7] in _TYPED_PREFIXES):
            name = target[len(prefix):] if prefix else re.sub(r"_+", "_", target[7:]).strip("_")
            try:
                v = _attr_value(value, raw.typed)
                if target[:7] == "attr_n_" and not isinstance(v, (int, float)):
                    v, _ = parse_number(v)
                attrs[name] = v
            except (ValueError, Unparsable) as exc:
                reason = f"unparsable number {exc}" if isinstance(exc, Unparsable) else str(exc)
                err(key, reason, value)
            continue
        if target in ("price", "stock"):
            try:
                num, cur = parse_number(value, integer=target == "stock")
            except Unparsable as exc:
                err(key, f"unparsable number {exc}", value)
                continue
            out[target] = num
            if cur and target == "price":
                out.setdefault("_currency_sign", cur)
            continue
        if target == "images":
            if isinstance(value, str):
                value = [u for u in re.split(r"[|\s]+", value) if u]
            out[target] = value
            continue
        if target == "ean" and isinstance(value, list):
            value = ",".join(str(e).strip() for e in value if str(e).strip())
        if target == "category" and isinstance(value, list):
            value = " > ".join(str(c).strip() for c in value if str(c).strip())
        if target == "category" and isinstance(value, str) and ">" in value:
            value = " > ".join(part.strip() for part in value.split(">") if part.strip())
        if target in ("id", "sku", "ean") and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(int(value)) if float(value).is_integer() else str(value)
        out[target] = value
    sign = out.pop("_currency_sign", None)
    if sign and not out.get("currency"):
        out["currency"] = sign
    if attrs:
        out["attributes"] = {**attrs, **out.get("attributes", {})} if isinstance(out.get("attributes"), dict) else attrs
    return out, errs, origin


def loc_path(loc: Any) -> str:
    """A pydantic error location as written: ('items', 3, 'price') -> 'items[3].price', (0, 'id') -> '[0].id'."""
    out = ""
    for p in loc:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _reason(e: dict[str, Any], field: str) -> str:
    t, ctx, value = e["type"], e.get("ctx") or {}, e.get("input")
    base = field.split(".")[0]
    if t == "missing" or (t == "string_too_short" and base in ("id", "title")):
        return f"missing {base}"
    if t == "extra_forbidden":
        return "unknown field"
    if t in ("greater_than_equal", "greater_than") and base in ("price", "stock"):
        return f"negative {base} ({value})"
    if t in ("less_than", "less_than_equal"):
        bound = ctx.get("lt", ctx.get("le"))
        return f"{base} too large ({str(value)[:40]}; {'below' if t == 'less_than' else 'at most'} {bound:g})"
    if t == "finite_number":
        return f"{base} must be a finite number"
    if t == "too_long":
        return f"too many {base} ({ctx.get('actual_length')}, at most {ctx.get('max_length')})"
    if t in ("float_parsing", "int_parsing", "float_type", "int_type", "int_from_float"):
        return f"unparsable number {value!r}"
    if t == "string_too_long":
        return f"{base} too long ({len(str(value))} characters, at most {ctx.get('max_length')})"
    if t == "literal_error":
        return f"{base} must be one of {ctx.get('expected')}, got {value!r}"
    if t == "value_error":
        return str(ctx.get("error") or e["msg"])
    return f"{e['msg']} (got {str(value)[:80]!r})"


def to_product(raw: RawRow, mapping: dict[str, str | None] | None = None) -> tuple[ProductIn | None, list[RowError]]:
    """Validate one raw row: a ProductIn, or None and every problem found in the row."""
    errs = list(raw.errors)
    if raw.errors and not raw.data:
        return None, errs
    for f in bad_encoding_fields(raw.data) if raw.check_encoding else ():
        errs.append(RowError(raw.file, raw.row, f, "bad encoding: invalid UTF-8 bytes"))
    if len(errs) > len(raw.errors):
        return None, errs
    data, nerrs, origin = normalize(raw, mapping)
    errs.extend(nerrs)
    bad_fields = {e.field for e in nerrs}
    try:
        product = ProductIn.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            field = loc_path(e["loc"])
            if field in bad_fields:
                continue
            reason = _reason(e, field)
            value = None if e["type"] == "missing" else e.get("input")
            if field in origin:  # name the file's own column and show its raw text
                field, value = origin[field]
            errs.append(RowError(raw.file, raw.row, field, reason, value))
        return None, errs
    return (None, errs) if errs else (product, errs)


def validate_rows(
    rows: Iterable[RawRow], mapping: dict[str, str | None] | None = None
) -> Iterator[tuple[RawRow, ProductIn | None, list[RowError]]]:
    """Validate rows in order; a second row with an already accepted id is a 'duplicate id' error."""
    first_seen: dict[str, tuple[str, int]] = {}
    for raw in rows:
        product, errs = to_product(raw, mapping)
        if product is not None:
            seen = first_seen.get(product.id)
            if seen is not None:
                where = f"row {seen[1]}" if seen[0] == raw.file else f"{seen[0]} row {seen[1]}"
                errs = [RowError(raw.file, raw.row, "id", f"duplicate id in the batch (first at {where})", product.id)]
                product = None
            else:
                first_seen[product.id] = (raw.file, raw.row)
        yield raw, product, errs


def check_mapping(mapping: dict[str, str | None] | None) -> None:
    """Refuse a mapping whose targets are not product fields or attr:<name> (raises ValueError)."""
    if mapping is not None and not isinstance(mapping, dict):
        raise ValueError("mapping must be a JSON object of source column -> field")
    for src, target in (mapping or {}).items():
        if target is None or target == "":
            continue
        if not isinstance(target, str):
            raise ValueError(f"mapping {src!r}: target must be a field name (text) or null, got {target!r}")
        if target in FIELDS or target.lower().startswith(ATTR_PREFIXES):
            continue
        raise ValueError(
            f"mapping {src!r} -> {target!r}: target must be one of {', '.join(FIELDS)}, attr:<name> or None"
        )
