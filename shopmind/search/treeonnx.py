"""A LightGBM model as an onnxruntime tree ensemble: the same scores, ~3x faster on a results page.

LightGBM's own predict costs ~16 us per candidate row with the shipped ranker (268 trees, 63 leaves);
onnxruntime's ``TreeEnsembleRegressor`` evaluates the same trees in ~5 us. The conversion is exact for
numerical ``<=`` splits without missing-value routing (what the ranker's features produce): every
float32 feature value goes down the same branch, because each double threshold ``t`` is stored as the
largest float32 ``<= t`` (for a float32 ``x``, ``x <= t`` exactly when ``x <=`` that float). Leaf values
are summed in float32 instead of float64 (differences ~1e-6). ``convert`` returns None for models it
cannot represent exactly (categorical splits, NaN/zero-as-missing routing, averaged output), and the
caller keeps LightGBM's predict.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from shopmind.procutil import ort_session


def _down(t: float) -> float:
    """The largest float32 that is <= ``t``."""
    f = np.float32(t)
    if float(f) > t:
        f = np.nextafter(f, np.float32(-np.inf))
    return float(f)


def convert(booster: Any) -> Any | None:
    """An onnxruntime session computing ``booster.predict`` (raw score) for float32 rows, or None."""
    from onnx import TensorProto, helper

    d = booster.dump_model()
    if d.get("average_output") or d.get("num_class", 1) != 1 or d.get("num_tree_per_iteration", 1) != 1:
        return None
    a: dict[str, list] = {k: [] for k in (
        "nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_values", "nodes_modes", "nodes_truenodeids",
        "nodes_falsenodeids", "target_treeids", "target_nodeids", "target_ids", "target_weights")}
    for tree_id, tree in enumerate(d["tree_info"]):
        nodes: list[tuple] = []
        stack = [(tree["tree_structure"], None, None)]  # (node, parent index, is left child)
        while stack:
            n, parent, left = stack.pop()
            i = len(nodes)
            if parent is not None:
                p = nodes[parent]
                nodes[parent] = (p[0], p[1], p[2], i if left else p[3], p[4] if left else i)
            if "split_index" in n:
                if n.get("decision_type") != "<=" or n.get("missing_type", "None") != "None":
                    return None
                nodes.append(("BRANCH_LEQ", int(n["split_feature"]), _down(float(n["threshold"])), -1, -1))
                stack.append((n["right_child"], i, False))
                stack.append((n["left_child"], i, True))
            else:
                nodes.append(("LEAF", 0, 0.0, 0, 0))
                a["target_treeids"].append(tree_id)
                a["target_nodeids"].append(i)
                a["target_ids"].append(0)
                a["target_weights"].append(float(n["leaf_value"]))
        for i, (mode, feature, value, true_id, false_id) in enumerate(nodes):
            a["nodes_treeids"].append(tree_id)
            a["nodes_nodeids"].append(i)
            a["nodes_featureids"].append(feature)
            a["nodes_values"].append(value)
            a["nodes_modes"].append(mode)
            a["nodes_truenodeids"].append(true_id)
            a["nodes_falsenodeids"].append(false_id)
    n_features = int(d["max_feature_idx"]) + 1
    node = helper.make_node("TreeEnsembleRegressor", ["X"], ["Y"], domain="ai.onnx.ml", n_targets=1,
                            aggregate_function="SUM", **a)
    graph = helper.make_graph([node], "ranker", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, n_features])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, 1])])
    return ort_session(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                               helper.make_opsetid("ai.onnx.ml", 3)]))


def predict(session: Any, X: np.ndarray) -> np.ndarray:
    """Scores of rows ``X`` (NaN counts as 0, as in LightGBM for splits without missing-value routing)."""
    X = np.ascontiguousarray(X, dtype=np.float32)
    if np.isnan(X).any():
        X = np.nan_to_num(X, nan=0.0)
    return session.run(None, {"X": X})[0][:, 0].astype(np.float64)
