"""Synthetic interaction data whose right answers are known exactly (disjoint item clusters)."""

from __future__ import annotations

import numpy as np
import pytest

from shopmind.recommend.data import Interactions, from_lists

N_CLUSTERS, PER_CLUSTER = 4, 10


def cluster_of(item: str) -> int:
    return int(item[1:]) // PER_CLUSTER


def make_clusters(n_users: int = 240, seed: int = 0) -> Interactions:
    """Each user stays in one cluster and walks its items in cyclic order (i -> i+1 within the cluster),
    so the next item is predictable and every co-occurrence is within a cluster."""
    rng = np.random.default_rng(seed)
    users = {}
    for u in range(n_users):
        c = u % N_CLUSTERS
        start = int(rng.integers(PER_CLUSTER))
        length = int(rng.integers(5, 9))
        users[f"u{u}"] = [f"i{c * PER_CLUSTER + (start + t) % PER_CLUSTER}" for t in range(length)]
    catalogue = [f"i{k}" for k in range(N_CLUSTERS * PER_CLUSTER)]
    return from_lists(users, catalogue)


def cluster_features(data: Interactions, seed: int = 0) -> np.ndarray:
    """Content vectors: one-hot cluster plus small noise (content-based must find the cluster)."""
    rng = np.random.default_rng(seed)
    f = np.zeros((data.n_items, N_CLUSTERS + 4), dtype=np.float32)
    for k, i in enumerate(data.item_ids):
        f[k, cluster_of(i)] = 1.0
    return f + 0.05 * rng.standard_normal(f.shape).astype(np.float32)


@pytest.fixture(scope="session")
def clusters() -> Interactions:
    return make_clusters()
