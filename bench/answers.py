"""Does every real question get a real answer? The whole stack on real and own question sets.

Starts Rasa + action server + gateway on free ports (private data folder var/bench-answers, statutes
imported from ../shared/law), sends each question as a new conversation through POST /api/messages,
and classifies each reply as a worker would see it:

  * dead end   - neither an answer (no citation) nor options (no button other than a person/menu);
  * answered   - an entry or a statute article with its citations;
  * did you mean - no answer, but close entries offered as buttons;
  * article hit@3 - a labelled article is among the citations of the first three things shown
    (answers first, then the offered alternatives, each alternative's citations looked up);
  * calculator misfire - a calculator menu or form question instead of the answer, on a question that
    did not ask to calculate; scam misfire - a scam-risk verdict on a message that is not a job offer;
  * CPU ms per message - CPU time of all stack processes during the run, divided by the messages.

Sets: ../shared/dev/real_questions.jsonl (title and body joined; measuring only, never trained on) and
bench/data/answers_dev.yml (own long/multi-part messages with the expected kind of reply).
Usage: .venv/bin/python bench/answers.py [--set real|dev|both] [--out var/answers.jsonl] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge_base.entries import load_entries  # noqa: E402
from knowledge_base import config as kb_config  # noqa: E402
from cli.client import GatewayClient  # noqa: E402
from labourbot.config import PROJECT_ROOT  # noqa: E402
from cli.serve import Stack, StackConfig  # noqa: E402

REAL = PROJECT_ROOT.parent / "shared" / "dev" / "real_questions.jsonl"
DEV = Path(__file__).resolve().parent / "data" / "answers_dev.yml"
SHARED_LAW = PROJECT_ROOT.parent / "shared" / "law"
DATA = PROJECT_ROOT / "var" / "bench-answers"
ANSWER_KINDS = {"kb_answer", "article", "statute_answer"}
NOT_OPTIONS = {"找真人", "回主選單"}  # buttons that do not answer the question by themselves
_PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$", re.S)


@dataclass
class Question:
    id: str
    text: str
    articles: list[str]
    expect: str = "answer"  # answer | human | calc | scam | chit


@dataclass
class Outcome:
    question: Question
    reply: dict[str, Any]
    answered: bool = False
    did_you_mean: bool = False
    dead_end: bool = False
    hit3: bool = False
    calc_misfire: bool = False
    scam_misfire: bool = False
    handoff: bool = False
    shown: list[list[str]] = field(default_factory=list)


def load_real(path: Path = REAL) -> list[Question]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            text = "\n".join(t for t in (d["title"], d.get("question") or "") if t.strip())
            out.append(Question(d["id"], text, list(d["articles"])))
    return out


def load_dev(path: Path = DEV) -> list[Question]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Question(f"dev-{i}", q["q"], list(q.get("articles") or []), q.get("expect", "answer"))
            for i, q in enumerate(doc["questions"])]


def _payload(payload: str) -> tuple[str, dict[str, Any]]:
    m = _PAYLOAD.match(payload.strip())
    if not m:
        return "", {}
    try:
        return m.group(1), json.loads(m.group(2)) if m.group(2) else {}
    except json.JSONDecodeError:
        return m.group(1), {}


def classify(q: Question, reply: dict[str, Any], entry_citations: dict[str, tuple[str, ...]]) -> Outcome:
    o = Outcome(q, reply)
    messages = reply.get("messages") or []
    kinds = [m.get("kind") for m in messages]
    answers = [m for m in messages if m.get("kind") in ANSWER_KINDS and m.get("citations")]
    o.answered = bool(answers)
    shown: list[list[str]] = [list(m["citations"]) for m in answers]
    alternatives = 0
    for b in reply.get("button_payloads") or []:
        intent, ents = _payload(b.get("payload", ""))
        if intent == "kb_entry" and ents.get("entry_id") in entry_citations:
            shown.append(list(entry_citations[ents["entry_id"]]))
            alternatives += 1
        elif intent == "show_article" and ents.get("citation") and not o.answered:
            shown.append([ents["citation"]])
            alternatives += 1
    o.shown = shown
    o.did_you_mean = not o.answered and alternatives > 0
    options = [t for t in reply.get("buttons") or [] if t not in NOT_OPTIONS]
    o.handoff = bool(reply.get("handoff")) or any(k and k.startswith("handoff") for k in kinds) \
        or "同意" in (reply.get("text") or "") and "找真人" not in (reply.get("buttons") or [])
    o.dead_end = not o.answered and not options and not o.handoff
    cited = {c for group in shown[:3] for c in group}
    o.hit3 = bool(set(q.articles) & cited)
    text = reply.get("text") or ""
    o.calc_misfire = q.expect != "calc" and not o.answered and (
        "我可以幫您算這些" in text or any(k in ("calc_question", "calc_menu") for k in kinds)
        or reply.get("intent") == "calculate")
    o.scam_misfire = q.expect != "scam" and "詐騙風險" in text
    return o


def cpu_seconds(stack: Stack) -> float:
    total = 0.0
    for s in stack.services:
        if s.process is None:
            continue
        try:
            proc = psutil.Process(s.process.pid)
            for p in [proc, *proc.children(recursive=True)]:
                t = p.cpu_times()
                total += t.user + t.system
        except psutil.NoSuchProcess:
            continue
    return total


def prepare(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**__import__("os").environ, "LABOURBOT_DATA_DIR": str(data_dir)}
    cli = [sys.executable, "-m", "cli.main", "kb"]
    sources = [str(SHARED_LAW / "ChLaw-labour.json")]
    if (SHARED_LAW / "zh-general").is_dir():
        sources.append(str(SHARED_LAW / "zh-general"))
    subprocess.run([*cli, "import-law", *sources], check=True, capture_output=True, env=env, cwd=PROJECT_ROOT)
    subprocess.run([*cli, "build"], check=True, capture_output=True, env=env, cwd=PROJECT_ROOT)


def report(name: str, outcomes: list[Outcome], cpu_ms: float) -> dict[str, Any]:
    n = len(outcomes)
    figures = {
        "set": name,
        "questions": n,
        "dead_ends": sum(o.dead_end for o in outcomes),
        "answered": sum(o.answered for o in outcomes),
        "did_you_mean": sum(o.did_you_mean for o in outcomes),
        "article_hit3": round(sum(o.hit3 for o in outcomes if o.question.articles)
                              / max(1, sum(1 for o in outcomes if o.question.articles)), 3),
        "calc_misfires": sum(o.calc_misfire for o in outcomes),
        "scam_misfires": sum(o.scam_misfire for o in outcomes),
        "cpu_ms_per_message": round(cpu_ms, 1),
    }
    expect = [o for o in outcomes if o.question.expect != "answer"]
    if expect:
        ok = sum(_meets_expectation(o) for o in outcomes)
        figures["as_expected"] = f"{ok}/{n}"
    print(f"\n== {name}: {n} questions")
    print(f"dead ends (no answer, no options): {figures['dead_ends']}")
    print(f"answered with an entry or article: {figures['answered']} ({figures['answered'] / max(1, n):.0%})")
    print(f"'did you mean' replies: {figures['did_you_mean']}")
    print(f"article hit@3: {figures['article_hit3']:.3f}")
    print(f"calculator misfires: {figures['calc_misfires']}, scam-verdict misfires: {figures['scam_misfires']}")
    if "as_expected" in figures:
        print(f"reply of the expected kind: {figures['as_expected']}")
    print(f"CPU ms per message (all stack processes): {cpu_ms:.1f}")
    return figures


def _meets_expectation(o: Outcome) -> bool:
    text = o.reply.get("text") or ""
    return {
        "answer": o.answered,
        "human": o.handoff,
        "calc": "元" in text and ("加班費" in text or "特休" in text or "資遣費" in text) and "？" not in text[-20:]
        or any(m.get("kind") == "calc_result" for m in o.reply.get("messages") or []),
        "scam": "詐騙風險" in text and "低" not in text.split("詐騙風險")[1][:4],
        "chit": not o.dead_end and o.reply.get("intent") in ("greet", "thank", "goodbye"),
    }.get(o.question.expect, False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", choices=("real", "dev", "both"), default="both")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "var" / "answers.jsonl")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()

    sets: list[tuple[str, list[Question]]] = []
    if args.set in ("real", "both"):
        sets.append(("real_questions.jsonl", load_real()))
    if args.set in ("dev", "both"):
        sets.append(("answers_dev.yml", load_dev()))
    entry_citations = {e.id: e.citations for e in load_entries(kb_config.entries_dir()).entries}

    prepare(DATA)
    # Every question is a different person, all sent from 127.0.0.1: the per-address limits of the web
    # chat and REST (one address = one household or one NAT) would rate-limit the set after 60 questions.
    stack = Stack(StackConfig.ephemeral(DATA, extra_env={"LABOURBOT_ADDRESS_BURST": "100000",
                                                          "LABOURBOT_ADDRESS_MAX_IN_FLIGHT": "100000"}))
    rows = []
    with stack, GatewayClient(stack.config.gateway_url, timeout_s=120) as client:
        client.ask("暖機")
        for name, questions in sets:
            if args.limit:
                questions = questions[: args.limit]
            cpu0, t0 = cpu_seconds(stack), time.perf_counter()
            outcomes = []
            for q in questions:
                reply = client.ask(q.text, user=f"bench-{uuid.uuid4().hex[:10]}")
                outcomes.append(classify(q, reply, entry_citations))
            cpu_ms = (cpu_seconds(stack) - cpu0) * 1000 / max(1, len(questions))
            wall = time.perf_counter() - t0
            report(name, outcomes, cpu_ms)
            print(f"wall time {wall:.1f} s ({wall * 1000 / max(1, len(questions)):.0f} ms per message)")
            for o in outcomes:
                rows.append({"set": name, "id": o.question.id, "q": o.question.text[:200],
                             "expect": o.question.expect, "articles": o.question.articles,
                             "answered": o.answered, "did_you_mean": o.did_you_mean, "dead_end": o.dead_end,
                             "hit3": o.hit3, "shown": o.shown[:3], "calc_misfire": o.calc_misfire,
                             "scam_misfire": o.scam_misfire, "intent": o.reply.get("intent"),
                             "text": (o.reply.get("text") or "")[:300], "buttons": o.reply.get("buttons")})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"\nper-question rows: {args.out}")


if __name__ == "__main__":
    main()
