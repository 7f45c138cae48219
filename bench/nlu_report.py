"""Print macro-F1 and the weakest intents from `rasa test nlu`'s intent_report.json."""

from __future__ import annotations

import json
import sys


def main(path: str, minimum: float | None = None) -> int:
    report = json.load(open(path, encoding="utf-8"))
    intents = {k: v for k, v in report.items() if isinstance(v, dict) and "f1-score" in v
               and k not in ("macro avg", "weighted avg", "micro avg")}
    print(f"intents: {len(intents)}  accuracy: {report.get('accuracy', float('nan')):.3f}  "
          f"macro-F1: {report['macro avg']['f1-score']:.3f}  weighted-F1: {report['weighted avg']['f1-score']:.3f}")
    for name, row in sorted(intents.items(), key=lambda kv: kv[1]["f1-score"])[:8]:
        print(f"  {name:28s} F1 {row['f1-score']:.2f}  P {row['precision']:.2f}  R {row['recall']:.2f}  "
              f"n={row['support']}")
    macro = report["macro avg"]["f1-score"]
    if minimum is not None and macro < minimum:
        print(f"FAIL: macro-F1 {macro:.3f} is below the required {minimum:.2f}")
        return 1
    return 0


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report", nargs="?", default="var/nlu-eval/intent_report.json")
    parser.add_argument("--min", type=float, default=None, help="exit 1 when macro-F1 is below this")
    args = parser.parse_args()
    sys.exit(main(args.report, args.min))
