"""Check curated entries against the official statutes (for entry authors; the tests run the same rules).

    .venv/bin/python scripts/check_entries.py [FILE.yml ...]

Reads the reference texts in ../shared/law (ChLaw-labour.json and the selected articles of zh-general/), validates every entry
file (or only the files named) and prints each problem; exit 1 when there is any.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge_base import config  # noqa: E402
from knowledge_base.entries import EntrySet, load_entries, parse_entry_file, squash, validate_entries  # noqa: E402
from knowledge_base.general_codes import select_articles  # noqa: E402
from knowledge_base.laws import parse_law_file  # noqa: E402

COPY_RUN = 30


def official_texts() -> dict[str, str]:
    root = config.shared_law_dir()
    files = [root / "ChLaw-labour.json", *sorted((root / "zh-general").glob("*.json"))]
    return {a.citation: a.text for f in files if f.exists() for law in parse_law_file(f)
            for a in select_articles(law).articles}


def main(argv: list[str]) -> int:
    texts = official_texts()
    if argv:
        entries, topics = [], {}
        for name in argv:
            topic, items, probs = parse_entry_file(Path(name))
            entries.extend(items)
            topics[Path(name).name] = topic
            for p in probs:
                print(p)
        entry_set = EntrySet(entries, [Path(a) for a in argv], topics)
    else:
        entry_set = load_entries(config.ENTRIES_DIR, strict=False)
    problems = validate_entries(entry_set, texts)
    runs: set[str] = set()
    for text in texts.values():
        t = squash(text)
        runs.update(t[i:i + COPY_RUN] for i in range(len(t) - COPY_RUN + 1))
    for e in entry_set.entries:
        a = squash(e.answer)
        hit = next((a[i:i + COPY_RUN] for i in range(len(a) - COPY_RUN + 1) if a[i:i + COPY_RUN] in runs), None)
        if hit:
            problems.append(f"{e.source}:{e.id}: copies statute text {hit!r}")
    all_ids = [e.id for e in load_entries(config.ENTRIES_DIR, strict=False).entries]
    dup = sorted({i for i in all_ids if all_ids.count(i) > 1})
    problems += [f"duplicate id across files: {i}" for i in dup]
    for p in problems:
        print(p)
    print(f"{len(entry_set.entries)} entries checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
