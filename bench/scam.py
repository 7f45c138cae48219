"""Job-scam checker on the dev set (bench/data/scam_dev.yml): precision and recall of "high", confusion table.

    .venv/bin/python bench/scam.py                 # rules + pay check + USE-m similarity
    .venv/bin/python bench/scam.py --no-semantic   # rules and pay check only
    .venv/bin/python bench/scam.py --errors        # also list the texts it got wrong
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scam import check_text  # noqa: E402

DEV_SET = Path(__file__).resolve().parent / "data" / "scam_dev.yml"
RISKS = ("high", "medium", "low")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-semantic", action="store_true", help="rules and pay check only")
    parser.add_argument("--errors", action="store_true", help="list scams not rated high and ordinary ads not rated low")
    parser.add_argument("--on", default="2026-06-01", help="date whose minimum wage applies (ISO)")
    args = parser.parse_args()

    items = yaml.safe_load(DEV_SET.read_text(encoding="utf-8"))
    on = date.fromisoformat(args.on)
    table: Counter[tuple[str, str]] = Counter()
    errors = []
    started = time.perf_counter()
    for item in items:
        report = check_text(item["text"], semantic=not args.no_semantic, on=on)
        table[(item["label"], report.risk)] += 1
        if (item["label"] == "scam") != (report.risk == "high") or (item["label"] == "legit" and report.risk != "low"):
            errors.append((item["label"], report.risk, item["text"], [s.kind for s in report.signals]))
    elapsed = time.perf_counter() - started

    true_pos = table[("scam", "high")]
    predicted_high = true_pos + table[("legit", "high")]
    scams = sum(table[("scam", r)] for r in RISKS)
    precision = true_pos / predicted_high if predicted_high else 0.0
    recall = true_pos / scams if scams else 0.0
    print(f"dev set: {len(items)} texts ({scams} scams, {len(items) - scams} ordinary)"
          f"  layers: rules + pay{'' if args.no_semantic else ' + USE-m similarity'}")
    print(f'"high"  precision {precision:.3f}  recall {recall:.3f}'
          f"  ({true_pos} of {predicted_high} flagged high are scams; {true_pos} of {scams} scams flagged high)")
    print()
    print(f"{'label/risk':<14}" + "".join(f"{r:>8}" for r in RISKS))
    for label in ("scam", "legit"):
        print(f"{label:<14}" + "".join(f"{table[(label, r)]:>8}" for r in RISKS))
    print(f"\nordinary ads rated low: {table[('legit', 'low')]}/{len(items) - scams}"
          f"   time: {1000 * elapsed / len(items):.1f} ms per text")
    if args.errors:
        for label, risk, text, kinds in errors:
            print(f"- [{label} -> {risk}] {text}  {kinds}")


if __name__ == "__main__":
    main()
