"""No regular expression in the project can be made slow by what a user types.

A pattern that backtracks catastrophically (scam/pay.py once took 86 s on 2,000 digits, inside the async
action server) freezes every user. This test finds every pattern of the project — compiled at module level
(also built from variables, read from the imported modules) and written literally in calls to `re.*`
(read from the source) — and times each on hostile inputs: long digit runs, repeated separators, runs of
Chinese numerals and of one letter, and long runs after a word patterns begin with ("月薪" and 10,000
spaces), 10,000 characters. The scan runs in a child process with a time-out,
because a pattern stuck in the regex engine cannot be interrupted from Python.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from labourbot.config import PROJECT_ROOT

PACKAGES = ("cli", "channels", "actions", "bot", "cases", "knowledge_base", "jobs", "scam", "quiz", "labourbot")
# Packages the scan imports (bot/ needs Rasa, which lives in the other venv: its patterns are read from source).
IMPORTED = ("channels", "cases", "knowledge_base", "jobs", "scam", "quiz", "labourbot", "cli")
RE_CALLS = {"compile", "search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split"}
BOUND_S = 0.5  # per pattern and input, 10,000 characters; a linear pattern takes well under 10 ms


def source_patterns() -> list[tuple[str, int, str]]:
    """(pattern, flags, where) for every `re.<call>("literal", ...)` in the project's source."""
    found = []
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                        and node.func.attr in RE_CALLS and node.args):
                    continue
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    where = f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}"
                    found.append((first.value, _flags(node), where))
    return found


def _flags(call: ast.Call) -> int:
    """The flags of a call when written as re.X names (keyword or the last positional argument)."""
    names: list[str] = []
    candidates = [kw.value for kw in call.keywords if kw.arg == "flags"] + call.args[1:]
    for value in candidates:
        for node in ast.walk(value):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "re":
                names.append(node.attr)
    flags = 0
    for name in names:
        flag = getattr(re, name, None)
        if isinstance(flag, re.RegexFlag):
            flags |= flag
    return flags


def hostile_inputs(length: int) -> dict[str, str]:
    return {
        "digits": "1" * length,
        "digits-comma": "1," * (length // 2),
        "digits-dot": "1." * (length // 2),
        "digits-space": "1 " * (length // 2),
        "money": "NT$1,000" * (length // 8),
        "cn-numerals": "一二三四五六七八九十百千萬" * (length // 13),
        "cn-text": "月薪三萬加班費" * (length // 7),
        "letters": "a" * length,
        "spaces": " " * length,
        "newlines": "\n" * length,
        "dashes": "-" * length,
        "slashes": "/" * length,
        "brackets": "(" * length,
        "article": "第1條第2條之1" * (length // 8),
        "mixed-no-match": ("12月薪a" * (length // 5)) + "!",
        **seeded_runs(length),
    }


# Words patterns begin with (a number, a numeral, an amount with its unit, a wage word, an opening
# bracket, a question particle, a citation label) and the runs that can follow them.
SEEDS = ("1", "三", "1萬", "月薪", "(", "嗎", "依據：")
RUNS = {"spaces": " ", "newlines": "\n", "digits": "1", "numerals": "三", "filler": "多"}
# Ends the input so that a match fails at the very end, after the run: a line that is not the last
# and a unit that no amount may be followed by.
TAIL = "年\nx"


def seeded_runs(length: int) -> dict[str, str]:
    """A seed word, a long run, then a tail that fails the match: a pattern that tries every split of
    the run (nested or adjacent quantifiers) or rescans it from each of its characters shows here."""
    return {
        f"{seed}+{label}": seed + run * (length - len(seed) - len(TAIL)) + TAIL
        for seed in SEEDS for label, run in RUNS.items()
    }


SCAN = textwrap.dedent('''
    import importlib, json, pkgutil, re, sys, time
    sys.path.insert(0, {root!r})
    patterns = {{}}
    given = json.loads(sys.stdin.read())
    for source, flags, where in given["source"]:
        try:
            patterns.setdefault((source, flags), (re.compile(source, flags), where))
        except re.error:
            pass
    for package in {imported!r}:
        module = importlib.import_module(package)
        names = [package] + [m.name for m in pkgutil.walk_packages(module.__path__, package + ".")]
        for name in names:
            try:
                mod = importlib.import_module(name)
            except Exception:
                continue
            values = list(vars(mod).items())
            for attr, value in list(values):
                if isinstance(value, type) and value.__module__ == name:
                    values += [(f"{{attr}}.{{k}}", v) for k, v in vars(value).items()]
            for attr, value in values:
                items = value if isinstance(value, (list, tuple, set, frozenset)) else (
                    value.values() if isinstance(value, dict) else [value])
                for item in items:
                    if isinstance(item, re.Pattern):
                        patterns.setdefault((item.pattern if isinstance(item.pattern, str) else "", item.flags),
                                            (item, f"{{name}}.{{attr}}"))
    inputs = given["inputs"]
    print(json.dumps({{"count": len(patterns)}}), flush=True)
    for (source, _flags), (pattern, where) in patterns.items():
        if not isinstance(pattern.pattern, str):
            continue
        worst, worst_input = 0.0, ""
        for label, text in inputs.items():
            start = time.perf_counter()
            for _ in pattern.finditer(text):
                pass
            pattern.sub("", text)
            elapsed = time.perf_counter() - start
            if elapsed > worst:
                worst, worst_input = elapsed, label
        print(json.dumps({{"where": where, "pattern": source[:120], "seconds": worst, "input": worst_input}}),
              flush=True)
''')


def scan(inputs: dict[str, str], timeout_s: float = 300.0) -> tuple[int, list[dict]]:
    code = SCAN.format(root=str(PROJECT_ROOT), imported=IMPORTED)
    try:
        given = json.dumps({"source": source_patterns(), "inputs": inputs})
        run = subprocess.run([sys.executable, "-c", code], input=given, capture_output=True, text=True,
                             timeout=timeout_s, cwd=PROJECT_ROOT)
        output = run.stdout
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
        last = lines[-1].get("where", "the first pattern") if lines else "the first pattern"
        raise AssertionError(f"the regex scan hung after {last}: a pattern backtracks catastrophically")
    assert run.returncode == 0, run.stderr[-2000:]
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return lines[0]["count"], lines[1:]


def test_every_pattern_is_fast_on_hostile_input() -> None:
    count, results = scan(hostile_inputs(10_000))
    assert count >= 100, f"only {count} patterns found: the scan is not seeing the project"
    slow = [r for r in results if r["seconds"] > BOUND_S]
    assert slow == [], "\n".join(f"{r['where']} {r['pattern']!r}: {r['seconds']:.2f} s on {r['input']}" for r in slow)


def test_the_scan_catches_a_backtracking_pattern(tmp_path: Path) -> None:
    """The timing above would fail on a pattern with nested quantifiers (checked on a short input)."""
    evil = re.compile(r"^(\d+)+$")
    import time

    start = time.perf_counter()
    evil.search("1" * 24 + "x")
    assert time.perf_counter() - start > BOUND_S / 50
    patterns = source_patterns()
    assert any(where.startswith("scam/") for _p, _f, where in patterns)
