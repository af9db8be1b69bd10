"""Merge the per-area result files (benchmarks/results/*.md) into benchmarks/RESULTS.md.

Run: python benchmarks/merge_results.py
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
ORDER = ["ingest", "text", "search", "recs", "realtime", "assistant", "web"]


def main() -> None:
    parts = sorted((HERE / "results").glob("*.md"), key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else 99, p.stem))
    head = (
        "# shopmind benchmark results\n\n"
        "Every figure below comes from the command printed with it, run on the project's development machine "
        "(2 CPU cores, 24 GiB, no GPU). Each section is kept in `benchmarks/results/<area>.md` and merged here by "
        "`python benchmarks/merge_results.py`. Where a section says the machine was loaded, other work ran on "
        "the same 2 cores at the time, so its timings are pessimistic.\n\n"
        "Sections: " + ", ".join(f"[{p.stem}](results/{p.name})" for p in parts) + "\n"
    )
    body = "\n\n---\n\n".join(p.read_text(encoding="utf-8").strip() for p in parts)
    (HERE / "RESULTS.md").write_text(head + "\n---\n\n" + body + "\n", encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'} from {len(parts)} section(s)")


if __name__ == "__main__":
    main()
