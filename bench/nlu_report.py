"""Print macro-F1 and the weakest intents from `rasa test nlu`'s intent_report.json."""

from __future__ import annotations

import json
import sys


def main(path: str) -> None:
    report = json.load(open(path, encoding="utf-8"))
    intents = {k: v for k, v in report.items() if isinstance(v, dict) and "f1-score" in v
               and k not in ("macro avg", "weighted avg", "micro avg")}
    print(f"intents: {len(intents)}  accuracy: {report.get('accuracy', float('nan')):.3f}  "
          f"macro-F1: {report['macro avg']['f1-score']:.3f}  weighted-F1: {report['weighted avg']['f1-score']:.3f}")
    for name, row in sorted(intents.items(), key=lambda kv: kv[1]["f1-score"])[:8]:
        print(f"  {name:28s} F1 {row['f1-score']:.2f}  P {row['precision']:.2f}  R {row['recall']:.2f}  "
              f"n={row['support']}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "var/nlu-eval/intent_report.json")
