"""Job-scam checker on the dev set (bench/data/scam_dev.yml): precision and recall of "high", confusion table;
job-offer detection (scam.describes_job_offer) on the tables of scam/data/offer_examples.yml; time per check.

    .venv/bin/python bench/scam.py                 # rules + pay check + USE-m similarity
    .venv/bin/python bench/scam.py --no-semantic   # rules and pay check only
    .venv/bin/python bench/scam.py --errors        # also list the texts it got wrong
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from typing import Any, Callable
from datetime import date
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scam import check_text, describes_job_offer  # noqa: E402

DEV_SET = Path(__file__).resolve().parent / "data" / "scam_dev.yml"
OFFER_TABLES = Path(__file__).resolve().parent.parent / "scam" / "data" / "offer_examples.yml"
RISKS = ("high", "medium", "low")


def _median_ms(run: Callable[[], Any], repeat: int = 30) -> float:
    run()  # warm up (folding table, encoder)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def offer_detection(tables: dict[str, list[str]], dev_texts: list[str], errors: bool) -> None:
    """Accuracy of describes_job_offer on the tuning tables, the fresh tables (written after the last
    change to the features; the honest figure) and the ads of the dev set (all offers)."""
    print("\njob-offer detection (describes_job_offer)")
    wrong: list[str] = []
    for title, offers, questions in (
            ("tuning, round 1   ", tables["offer"], tables["not_offer"]),
            ("tuning, round 2   ", tables.get("round2_offer") or [], tables.get("round2_not_offer") or []),
            ("fresh (held apart)", tables.get("fresh_offer") or [], tables.get("fresh_not_offer") or [])):
        hit = [t for t in offers if describes_job_offer(t)]
        rejected = [t for t in questions if not describes_job_offer(t)]
        total = len(offers) + len(questions)
        accuracy = (len(hit) + len(rejected)) / total if total else 0.0
        print(f"  {title}: accuracy {accuracy:.3f}  offers recognised {len(hit)}/{len(offers)}"
              f"  legal questions kept out {len(rejected)}/{len(questions)}")
        wrong += [f"- [offer missed] {t}" for t in offers if t not in hit]
        wrong += [f"- [question taken as offer] {t}" for t in questions if t not in rejected]
    dev_hit = sum(describes_job_offer(t) for t in dev_texts)
    print(f"  dev-set ads and offers recognised: {dev_hit}/{len(dev_texts)}")
    if errors:
        print("\n".join(wrong))


def timing(dev_texts: list[str], semantic: bool, on: date) -> None:
    """Median time per call on a typical message and on a 2,000-character one."""
    long_text = ""
    while len(long_text) < 2000:
        long_text += "".join(t + "\n" for t in dev_texts)
    long_text = long_text[:2000]
    short_text = dev_texts[0]
    print("\ntime per check (median)")
    rows: list[tuple[str, Callable[[str], Any]]] = [
        ("describes_job_offer", describes_job_offer),
        ("check_text rules + pay", lambda t: check_text(t, semantic=False, on=on)),
    ]
    if semantic:
        rows.append(("check_text + USE-m", lambda t: check_text(t, on=on)))
    for name, run in rows:
        print(f"  {name:<24} {_median_ms(lambda: run(short_text)):7.2f} ms on {len(short_text)} characters"
              f"   {_median_ms(lambda: run(long_text), repeat=10):7.2f} ms on 2,000 characters")


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

    dev_texts = [item["text"] for item in items]
    offer_detection(yaml.safe_load(OFFER_TABLES.read_text(encoding="utf-8")), dev_texts, args.errors)
    timing(dev_texts, not args.no_semantic, on)


if __name__ == "__main__":
    main()
