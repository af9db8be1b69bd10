"""Load + freshness benchmark of the real-time path, on loopback.

    python benchmarks/realtime_load.py [--duration 30] [--rate 2500] [--batch 25] [--no-search]

Loads Amazon Beauty (item ids become products; 70% of the users' sequences are stored as history),
starts the server (uvicorn on 127.0.0.1 in a subprocess, realtime model trained on the history), then
replays the other users' sequences (again as new sessions when all are sent, so events flow for the whole run) as timed view events from several concurrent clients while other
clients query search and session recommendations at a fixed rate, and freshness probes click in a
fresh session and poll its recommendations until they reflect the click. Reports events/s sustained,
p50/p95/p99 latencies (search also split into result-cache misses, with the engine's own took_ms, and
hits), event-to-visible freshness lag, lost events (acknowledged but not stored), the server's CPU
seconds and the load average, and ends with a PASS/FAIL line per target of issue 6.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
ADMIN_KEY = "load-" + os.urandom(12).hex()


# -- a minimal keep-alive HTTP/1.1 client (cheap on CPU, so the server gets the cores) ----------------
class Conn:
    def __init__(self, port: int) -> None:
        self.port = port
        self.r = self.w = None

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        if self.w is None:
            self.r, self.w = await asyncio.open_connection("127.0.0.1", self.port)
        body = body or b""
        head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"X-API-Key: {ADMIN_KEY}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        self.w.write(head + body)
        await self.w.drain()
        status = int((await self.r.readline()).split()[1])
        length = 0
        while True:
            line = await self.r.readline()
            if line in (b"\r\n", b""):
                break
            k, _, v = line.decode("latin-1").partition(":")
            if k.lower() == "content-length":
                length = int(v)
            elif k.lower() == "transfer-encoding":
                raise RuntimeError("chunked responses are not supported by the bench client")
        return status, await self.r.readexactly(length)


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))]


def summary(xs: list[float]) -> str:
    return (f"n={len(xs)} p50={pct(xs, 50) * 1000:.1f} ms p95={pct(xs, 95) * 1000:.1f} ms "
            f"p99={pct(xs, 99) * 1000:.1f} ms")


# -- data --------------------------------------------------------------------------------------------
def load_beauty(data: Path) -> tuple[list[tuple[str, list[str]]], dict[str, list[int]]]:
    seqs = []
    with (data / "recs" / "amazon-beauty" / "Beauty.txt").open() as fh:
        for line in fh:
            p = line.split()
            seqs.append((p[0], p[1:]))
    attrs = json.loads((data / "recs" / "amazon-beauty" / "Beauty_item2attributes.json").read_text())
    return seqs, attrs


WORDS = ["lipstick", "serum", "shampoo", "mascara", "cream", "lotion", "perfume", "nail", "polish", "brush",
         "cleanser", "toner", "mask", "oil", "gel", "spray", "powder", "balm", "scrub", "soap"]


def prepare(home: Path, data: Path, history_share: float, with_search: bool) -> dict:
    """A fresh shop home: products for every item, history events; search indexes built once and reused."""
    from shopmind.config import Settings
    from shopmind.kb.models import EventIn, ProductIn
    from shopmind.shop import Shop

    seqs, attrs = load_beauty(data)
    base = home.parent / "base"
    if not (base / "kb.sqlite3").exists():
        base.mkdir(parents=True, exist_ok=True)
        shop = Shop(Settings(home=base))
        items = sorted({i for _, s in seqs for i in s}, key=int)
        prods = []
        for i in items:
            a = attrs.get(i, [0])
            words = " ".join(WORDS[x % len(WORDS)] for x in a[:3])
            prods.append(ProductIn(id=i, title=f"{words} beauty item {i}", brand=f"brand{a[0] % 50}",
                                   category=f"Beauty > {WORDS[a[0] % len(WORDS)]}", price=5 + int(i) % 40, stock=100))
        shop.store.upsert_products(prods)
        shop.close()
    if with_search and not (base / "index").exists():
        shop = Shop(Settings(home=base))
        t0 = time.time()
        shop.index(quiet=True)
        print(f"built search indexes once in {time.time() - t0:.0f}s (reused by later runs)", flush=True)
        shop.close()
    if home.exists():
        shutil.rmtree(home)
    shutil.copytree(base, home)
    shop = Shop(Settings(home=home))
    rng = random.Random(7)
    order = list(range(len(seqs)))
    rng.shuffle(order)
    cut = int(len(order) * history_share)
    hist = [seqs[k] for k in order[:cut]]
    live = [seqs[k] for k in order[cut:]]
    n = sum(len(s) for _, s in hist)
    t_end, k, evs = time.time() - 3600, 0, []
    for user, items in hist:
        for i in items:
            evs.append(EventIn(type="view", user_id=f"h{user}", product_id=i, ts=t_end - (n - k) * 0.5))
            k += 1
    ids = shop.store.add_events(evs)
    shop.close()
    return {"live": live, "history_events": len(ids), "history_max_id": ids[-1]}


# -- the load ---------------------------------------------------------------------------------------
async def run_load(port: int, live, args) -> dict:
    stats: dict[str, list] = {"post": [], "search": [], "recs": [], "fresh": [], "acked": [], "errors": [],
                              "search_miss": [], "search_cached": [], "search_engine": []}
    stop_at = time.perf_counter() + args.duration
    t_start = time.perf_counter()
    per_client = [live[c:: args.event_clients] for c in range(args.event_clients)]
    rate_per_client = args.rate / args.event_clients
    item_pool = [i for _, s in live for i in s]

    async def events_client(c: int) -> None:
        conn = Conn(port)
        # the live users' sequences, again as new sessions once all are sent: events for the whole run
        stream = ((f"l{u}" + (f"-{r}" if r else ""), i) for r in itertools.count()
                  for u, items in per_client[c] for i in items)
        sent, t0 = 0, time.perf_counter()
        while time.perf_counter() < stop_at and sent < args.max_events / args.event_clients:
            batch = []
            for u, i in stream:
                batch.append({"type": "view", "session_id": u, "product_id": i})
                if len(batch) >= args.batch:
                    break
            if not batch:
                return
            due = t0 + sent / rate_per_client  # timed replay: hold the target rate, never burst ahead
            if due > time.perf_counter():
                await asyncio.sleep(due - time.perf_counter())
            t = time.perf_counter()
            st, body = await conn.request("POST", "/api/events", json.dumps(batch).encode())
            stats["post"].append(time.perf_counter() - t)
            if st != 200:
                stats["errors"].append(f"events {st} {body[:200]!r}")
                continue
            stats["acked"].extend(json.loads(body)["ids"])
            stats["last_ack"] = time.perf_counter() - t_start
            sent += len(batch)

    async def query_client(kind: str, per_s: float, c: int) -> None:
        conn = Conn(port)
        rng = random.Random(c)
        k = 0
        t0 = time.perf_counter()
        while time.perf_counter() < stop_at:
            due = t0 + k / per_s
            if due > time.perf_counter():
                await asyncio.sleep(due - time.perf_counter())
            k += 1
            if kind == "search":
                q = " ".join(rng.sample(WORDS, rng.choice((1, 2))))
                path = f"/api/search?q={q.replace(' ', '+')}&size=10"
            else:
                u, _ = live[rng.randrange(len(live))]
                path = f"/api/realtime/recommend?session=l{u}&n=10"
            t = time.perf_counter()
            st, body = await conn.request("GET", path)
            stats[kind].append(time.perf_counter() - t)
            if st != 200:
                stats["errors"].append(f"{kind} {st} {body[:200]!r}")
            elif kind == "search":  # the engine's own time, and cache misses apart from hits
                r = json.loads(body)
                stats["search_cached" if r.get("cached") else "search_miss"].append(stats[kind][-1])
                if not r.get("cached"):
                    stats["search_engine"].append(r.get("took_ms", float("nan")) / 1000)

    async def probe() -> None:
        conn = Conn(port)
        rng = random.Random(99)
        k = 0
        while time.perf_counter() < stop_at - 1:
            await asyncio.sleep(args.probe_interval)
            k += 1
            sid, item = f"probe{k}", rng.choice(item_pool)
            _, base = await conn.request("GET", f"/api/realtime/recommend?session={sid}&n=10")
            before = [x["id"] for x in json.loads(base)["items"]]
            t = time.perf_counter()
            st, _ = await conn.request("POST", "/api/events", json.dumps(
                {"type": "click", "session_id": sid, "product_id": item}).encode())
            if st != 200:
                stats["errors"].append(f"probe post {st}")
                continue
            while time.perf_counter() - t < 5:
                _, body = await conn.request("GET", f"/api/realtime/recommend?session={sid}&n=10")
                r = json.loads(body)
                if item in r["based_on"] and [x["id"] for x in r["items"]] != before:
                    stats["fresh"].append(time.perf_counter() - t)
                    break
                await asyncio.sleep(0.005)
            else:
                stats["fresh"].append(float("inf"))

    tasks = [events_client(c) for c in range(args.event_clients)]
    if not args.no_search:
        tasks += [query_client("search", args.search_rate / args.search_clients, c) for c in range(args.search_clients)]
    tasks += [query_client("recs", args.recs_rate / args.recs_clients, 100 + c) for c in range(args.recs_clients)]
    tasks.append(probe())
    await asyncio.gather(*tasks)
    stats["wall"] = time.perf_counter() - t_start
    return stats


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds so far of a process and its live child processes (the search workers;
    Linux /proc; None elsewhere)."""
    def stat(p: str) -> list[str]:
        return Path(f"/proc/{p}/stat").read_text().rpartition(")")[2].split()

    try:
        total = 0.0
        for p in [str(pid)] + [d for d in os.listdir("/proc") if d.isdigit() and d != str(pid)]:
            try:
                f = stat(p)
            except OSError:
                continue
            if p == str(pid) or f[1] == str(pid):  # f[1]: the parent pid
                total += int(f[11]) + int(f[12])
        return total / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, default=ROOT / "shopmind-data" / "bench-realtime" / "run")
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    ap.add_argument("--rate", type=float, default=2500.0, help="target events/s (all event clients)")
    ap.add_argument("--batch", type=int, default=25, help="events per POST (a tracking SDK's flush)")
    ap.add_argument("--max-events", type=int, default=10_000_000)
    ap.add_argument("--event-clients", type=int, default=8)
    ap.add_argument("--search-clients", type=int, default=2)
    ap.add_argument("--search-rate", type=float, default=20.0, help="searches/s")
    ap.add_argument("--recs-clients", type=int, default=2)
    ap.add_argument("--recs-rate", type=float, default=40.0, help="session recommendations/s")
    ap.add_argument("--probe-interval", type=float, default=0.2)
    ap.add_argument("--history-share", type=float, default=0.7)
    ap.add_argument("--no-search", action="store_true", help="skip search (no index build)")
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = ap.parse_args()
    from shopmind.config import data_dir

    data = args.data or (data_dir() if data_dir().is_absolute() else (ROOT / data_dir()).resolve())
    t0 = time.time()
    prep = prepare(args.home, data, args.history_share, not args.no_search)
    print(f"prepared in {time.time() - t0:.0f}s: {prep['history_events']} history events, "
          f"{len(prep['live'])} live users ({sum(len(s) for _, s in prep['live'])} events)", flush=True)
    port = free_port()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "SHOPMIND_REALTIME_RETRAIN_EVERY_EVENTS": "0",
           "SHOPMIND_ADMIN_KEY": ADMIN_KEY}  # the load client writes many users' events: the admin key
    warm = "realtime" if args.no_search else "realtime,search"
    t0 = time.time()
    server = subprocess.Popen([sys.executable, "-m", "shopmind.realtime.server", "--home", str(args.home),
                               "--port", str(port), "--warm", warm], cwd=ROOT, env=env, stdout=subprocess.PIPE)
    try:
        line = server.stdout.readline().decode()
        if not line.startswith("ready"):
            raise SystemExit(f"server failed to start: {line}")
        import httpx

        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        status = httpx.get(f"http://127.0.0.1:{port}/api/realtime/status", timeout=10).json()
        print(f"server ready in {time.time() - t0:.0f}s; model {status['model']['name']} v{status['model']['version']} "
              f"trained in {status['model']['train_seconds']}s on {status['model']['users']} users", flush=True)
        if not args.no_search:  # warm the query path (encoder, ranker) before measuring
            for q in WORDS[:5]:
                httpx.get(f"http://127.0.0.1:{port}/api/search", params={"q": q}, timeout=30)
        load_before, cpu_before, client_before = os.getloadavg()[0], cpu_seconds(server.pid), time.process_time()
        stats = asyncio.run(run_load(port, prep["live"], args))
        load_after, cpu_after, client_cpu = os.getloadavg()[0], cpu_seconds(server.pid), time.process_time() - client_before
        server_cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
        metrics = httpx.get(f"http://127.0.0.1:{port}/api/metrics", timeout=10).text
        status = httpx.get(f"http://127.0.0.1:{port}/api/realtime/status", timeout=10).json()
    finally:
        server.terminate()
        server.wait(30)

    from shopmind.kb import open_store
    from shopmind.config import Settings

    store = open_store(Settings(home=args.home).kb_url)
    stored = {e.id for e in store.iter_events(after_id=prep["history_max_id"], types=["view", "click"])}
    store.close()
    acked = stats["acked"]
    lost = [i for i in acked if i not in stored]
    fresh = stats["fresh"]
    n_ev = len(acked)
    window = stats.get("last_ack") or stats["wall"]  # the replay may run out of events before --duration
    res = {
        "events_acked": n_ev, "wall_s": round(window, 2), "events_per_s": round(n_ev / window, 1),
        "post_batch": args.batch, "lost_events": len(lost), "errors": len(stats["errors"]),
        "post_ms": {q: round(pct(stats["post"], q) * 1000, 2) for q in (50, 95, 99)},
        "search_ms": {q: round(pct(stats["search"], q) * 1000, 2) for q in (50, 95, 99)},
        "recs_ms": {q: round(pct(stats["recs"], q) * 1000, 2) for q in (50, 95, 99)},
        "freshness_ms": {q: round(pct(fresh, q) * 1000, 2) for q in (50, 95, 99)},
        "freshness_probes": len(fresh), "searches": len(stats["search"]), "recs": len(stats["recs"]),
        "commits": status["events"]["commits"], "cache_hit_ratio": round(status["cache"]["hit_ratio"], 3),
        "model_version": status["model"]["version"],
        "search_miss_ms": {q: round(pct(stats["search_miss"], q) * 1000, 2) for q in (50, 95, 99)},
        "search_engine_ms": {q: round(pct(stats["search_engine"], q) * 1000, 2) for q in (50, 95, 99)},
        "search_cache_hits": len(stats["search_cached"]),
        "load_avg_1m": [round(load_before, 2), round(load_after, 2)], "cpus": os.cpu_count(),
        "server_cpu_s": None if server_cpu is None else round(server_cpu, 2), "client_cpu_s": round(client_cpu, 2),
    }
    print()
    print(f"events: {n_ev} acknowledged in {window:.1f}s = {res['events_per_s']:.0f} events/s "
          f"(target rate {args.rate:.0f}/s, batches of {args.batch}); {status['events']['commits']} group commits "
          f"(~{n_ev / max(status['events']['commits'], 1):.0f} events each)")
    print(f"POST /api/events       {summary(stats['post'])}")
    if args.no_search:
        print("search: skipped")
    else:
        print(f"GET /api/search        {summary(stats['search'])}")
        print(f"  cache misses         {summary(stats['search_miss'])} (engine took_ms: {summary(stats['search_engine'])})")
        print(f"  cache hits           {summary(stats['search_cached'])}")
    print(f"GET realtime recommend {summary(stats['recs'])}")
    print(f"freshness (click -> session recs changed): {summary(fresh)}, max={max(fresh or [0]) * 1000:.1f} ms")
    print(f"lost events: {len(lost)} of {n_ev} acknowledged; errors: {len(stats['errors'])} {stats['errors'][:3]}")
    print(f"cache hit ratio {res['cache_hit_ratio']}; model version {res['model_version']}")
    print("server metrics excerpt:")
    for ln in metrics.splitlines():
        if ln.startswith(("shopmind_event_visible_seconds_count", "shopmind_event_commits_total",
                          "shopmind_cache_hit_ratio", "shopmind_model_version", "shopmind_search_worker")):
            print("  " + ln)
    print(f"load average (1 min) before/after the load: {load_before:.2f} / {load_after:.2f} on {os.cpu_count()} CPUs")
    if server_cpu is not None:  # load-independent: CPU the server spent on this work
        print(f"server CPU {server_cpu:.1f} s in {stats['wall']:.1f} s ({server_cpu / stats['wall']:.2f} cores; "
              f"{server_cpu / max(n_ev, 1) * 1e6:.0f} us per acknowledged event, all requests included); "
              f"bench clients {client_cpu:.1f} s")
    checks = [("events/s sustained >= 2,000", res["events_per_s"] >= 2000, f"{res['events_per_s']:.0f}"),
              ("recommendations p95 < 50 ms", res["recs_ms"][95] < 50, f"{res['recs_ms'][95]:.1f} ms"),
              ("freshness p95 < 1 s", res["freshness_ms"][95] < 1000, f"{res['freshness_ms'][95]:.1f} ms"),
              ("no lost events", not lost, f"{len(lost)} lost"),
              ("no request errors", not stats["errors"], f"{len(stats['errors'])} errors")]
    if not args.no_search:
        checks.insert(1, ("search p95 < 50 ms", res["search_ms"][95] < 50, f"{res['search_ms'][95]:.1f} ms"))
    print("targets (issue 6, all at the same time):")
    for name, ok, got in checks:
        print(f"  [{'PASS' if ok else 'FAIL'}] {name}: {got}")
    res["targets_met"] = all(ok for _, ok, _ in checks)
    if args.json:
        args.json.write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
