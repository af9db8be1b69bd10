"""Entity-extraction precision/recall on the hand-labelled set tests/data/entities_gold.jsonl.

Run: HF_HUB_OFFLINE=1 python benchmarks/text_entities.py [--file tests/data/entities_holdout.jsonl] [--catalog] [--errors]
Exact = same type and same offsets; overlap = same type and overlapping offsets.
entities_gold.jsonl (208 texts) was used while developing the rules; entities_holdout.jsonl (60 texts)
was labelled before the extractor was run on it and never tuned on.
--catalog adds what a shop's gazetteer adds from its knowledge base: here the brands and colour/material
attribute values of the Icecat catalog (the Home Depot file has no brand field).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from shopmind.text.entities import EntityExtractor

GOLD = Path(__file__).resolve().parents[1] / "tests" / "data" / "entities_gold.jsonl"


def load_gold(path: Path = GOLD) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def score(rows: list[dict], extractor: EntityExtractor, ner: bool = True) -> dict:
    """Per-type and micro P/R/F1, exact and overlap matching."""
    tp = defaultdict(lambda: [0, 0])  # type -> [exact, overlap] true positives
    n_pred, n_gold = defaultdict(int), defaultdict(int)
    errors = []
    for r in rows:
        pred = [(e.type, e.start, e.end, e.text) for e in extractor.extract(r["text"], ner=ner)]
        gold = [(e["type"], e["start"], e["end"], e["text"]) for e in r["entities"]]
        for g in gold:
            n_gold[g[0]] += 1
        for p in pred:
            n_pred[p[0]] += 1
        used_e, used_o = set(), set()
        for p in pred:
            for j, g in enumerate(gold):
                if p[0] != g[0]:
                    continue
                if j not in used_e and p[1:3] == g[1:3]:
                    used_e.add(j)
                    tp[p[0]][0] += 1
                if j not in used_o and p[1] < g[2] and g[1] < p[2]:
                    used_o.add(j)
                    tp[p[0]][1] += 1
                    break
        if set(pred) != set(gold):
            errors.append({"text": r["text"], "missed": sorted(set(gold) - set(pred)), "extra": sorted(set(pred) - set(gold))})
    types = sorted(set(n_gold) | set(n_pred), key=lambda t: -n_gold[t])
    out = {"types": {}, "errors": errors}
    for t in types + ["ALL"]:
        if t == "ALL":
            te, to = sum(v[0] for v in tp.values()), sum(v[1] for v in tp.values())
            npred, ngold = sum(n_pred.values()), sum(n_gold.values())
        else:
            te, to, npred, ngold = tp[t][0], tp[t][1], n_pred[t], n_gold[t]
        p_e, r_e = te / max(npred, 1), te / max(ngold, 1)
        p_o, r_o = to / max(npred, 1), to / max(ngold, 1)
        out["types"][t] = {
            "gold": ngold, "pred": npred, "P": p_e, "R": r_e, "F1": 2 * p_e * r_e / max(p_e + r_e, 1e-9),
            "P_overlap": p_o, "R_overlap": r_o,
        }
    return out


def catalog_gazetteer():
    """Built-in lexicon + Icecat brands and color/material attribute values (as Gazetteer.from_store does)."""
    import zipfile

    from shopmind.config import data_dir
    from shopmind.kb.formats.icecat import to_record
    from shopmind.text.gazetteer import Gazetteer, attribute_type

    brands, attrs = set(), set()
    for f in sorted((data_dir() / "search/icecat").glob("icecat-products-*.json.zip")):
        z = zipfile.ZipFile(f)
        for r in json.load(z.open(z.namelist()[0])):
            rec = to_record(r)
            if rec.get("brand"):
                brands.add(rec["brand"])
            attrs.update((k, v) for k, v in rec["attributes"].items() if isinstance(v, str) and attribute_type(k))
    g = Gazetteer.builtin()
    g.add_catalog(sorted(brands), [], sorted(attrs))
    return g


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--errors", action="store_true", help="print every mismatched row")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--file", default=str(GOLD))
    ap.add_argument("--catalog", action="store_true", help="add the Icecat catalog's brands and attribute values")
    args = ap.parse_args()
    rows = load_gold(Path(args.file))
    ex = EntityExtractor(catalog_gazetteer()) if args.catalog else EntityExtractor()
    ex.extract("warm up 你好", ner=True)
    t0 = time.perf_counter()
    res = score(rows, ex)
    dt = time.perf_counter() - t0
    if args.json:
        print(json.dumps({k: v for k, v in res.items() if k != "errors"}, indent=1))
        return
    print(f"{len(rows)} texts, {sum(len(r['entities']) for r in rows)} gold entities, {dt * 1000 / len(rows):.2f} ms/text")
    print(f"{'type':<11}{'gold':>5}{'pred':>6}{'P':>7}{'R':>7}{'F1':>7}{'P~':>7}{'R~':>7}")
    for t, s in res["types"].items():
        print(f"{t:<11}{s['gold']:>5}{s['pred']:>6}{s['P']:>7.3f}{s['R']:>7.3f}{s['F1']:>7.3f}{s['P_overlap']:>7.3f}{s['R_overlap']:>7.3f}")
    if args.errors:
        for e in res["errors"]:
            print(e["text"], "\n   missed:", e["missed"], "\n   extra: ", e["extra"])


if __name__ == "__main__":
    main()
