"""Background retraining swaps the model atomically under concurrent reads; a failed training keeps
the last good model."""

from __future__ import annotations

import threading

from shopmind.realtime.swap import ModelSlot, Retrainer


def test_swap_under_concurrent_reads(beauty_shop):
    rt = beauty_shop.realtime
    items = [s[1][0] for s in beauty_shop.beauty[100:140]]
    start_version = rt.slot.version
    errors, seen_versions, stop = [], [], threading.Event()

    def reader(k: int) -> None:
        while not stop.is_set():
            served = rt.slot.get()  # one reference per request: old or new, never half of each
            try:
                ids, _ = served.model.recommend(None, items=[items[k % len(items)]], n=5)
                assert len(ids) == 5 and all(i in served.model.item_index for i in ids)
                out = rt.recommend(session=f"swap-{k}", n=5)
                assert len(out["items"]) == 5
                seen_versions.append(served.version)
            except Exception as ex:  # noqa: BLE001 - collected and asserted below
                errors.append(repr(ex))
            k += 1

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    try:
        for i, pid in enumerate(items[:5]):
            rt.ingest([{"type": "view", "session_id": f"swap-{i}", "product_id": pid}])
        assert rt.retrain() and rt.retrain()
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors[:3]
    assert rt.slot.version == start_version + 2
    assert seen_versions and min(seen_versions) >= start_version and max(seen_versions) <= rt.slot.version
    assert rt.slot.get().folded_upto >= rt.last_event_id  # nothing stored is missing from the new model


def test_failed_training_keeps_the_last_good_model(beauty_shop):
    rt = beauty_shop.realtime
    good = rt.slot.get()
    rt.cfg["model_params"] = {"no_such_param": 1}
    try:
        assert rt.retrain() is False
    finally:
        rt.cfg["model_params"] = {}
    assert rt.slot.get() is good and "no_such_param" in rt.retrainer.last_error
    assert rt.retrainer.failures >= 1
    assert rt.recommend(session="after-failure", n=3)["model_version"] in (0, good.version)
    jobs = beauty_shop.store.jobs(5, kind="retrain")
    assert jobs[0].status == "failed"


def test_retrainer_triggers_after_n_events():
    slot, done = ModelSlot(), threading.Event()

    def train():
        done.set()
        return object(), {"upto": 7}

    r = Retrainer(slot, train, every_events=100, name="t")
    r.start(initial=False)
    try:
        r.note_events(60)
        assert not done.wait(0.2)
        r.note_events(60)
        assert done.wait(2.0)
        for _ in range(100):
            if slot.version == 1:
                break
            done.wait(0.01)
        assert slot.version == 1 and slot.get().upto == 7
    finally:
        r.stop()
