"""Do the assistant's answers answer? Runs the real assistant over the demo shop's documents on the
shopper questions of benchmarks/data/assistant_questions.jsonl (cited document + asked fact, handoff,
or a polite decline; see shopmind.eval.assistant) and prints accuracy per category as JSON.

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 python benchmarks/assistant_answers.py --part dev [-v]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from shopmind.assistant import Assistant
from shopmind.demo import read_demo
from shopmind.eval.assistant import evaluate, load_questions
from shopmind.kb import open_store

QUESTIONS = Path(__file__).parent / "data" / "assistant_questions.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", default=str(QUESTIONS))
    ap.add_argument("--part", choices=["dev", "test", "all"], default="dev")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each miss")
    args = ap.parse_args()
    qs = load_questions(args.questions, args.part)
    with tempfile.TemporaryDirectory() as d:
        store = open_store(f"sqlite:///{d}/kb.sqlite3")
        store.upsert_documents(read_demo("documents"))
        a = Assistant(store, persist=False)
        a.warm()
        res = evaluate(qs, a.chat)
        store.close()
    if not args.verbose:
        res.pop("misses")
    print(json.dumps({"part": args.part, **res}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
