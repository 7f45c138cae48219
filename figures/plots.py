"""The analytics page's plots: matplotlib (Agg, object API, no pyplot state) rendered to SVG text.

Only public figures (figures.compute `Figures.public()`) are drawn: a count shown as "<5" is not drawn
(a gap in a line, no bar), so no plot shows what the tables hide.

Text stays text in the SVG (`svg.fonttype: none`): the viewer's browser draws the Chinese labels with
its own fonts, so the server needs no CJK font (when it has Noto Sans CJK, matplotlib measures with it;
without, labels are measured with DejaVu Sans and may sit a little off, never as empty boxes).
"""

from __future__ import annotations

import io
import logging
import threading
import warnings
from typing import Any, Callable

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager, rcParams  # noqa: E402
from matplotlib.backends.backend_svg import FigureCanvasSVG  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from figures.compute import values  # noqa: E402
from labourbot.topics import TOPIC_LABELS  # noqa: E402

logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

BRAND = "#00695c"
COLOURS = ["#00695c", "#c77c02", "#3f51b5", "#b3261e", "#5f6368", "#7b1fa2"]
CHANNEL_LABELS = {"line": "LINE", "telegram": "Telegram", "web": "網頁", "rest": "API"}
OUTCOME_LABELS = {"kb_answer": "知識庫回答", "did_you_mean": "您是想問…", "not_answered": "未能回答"}
CJK_FONTS = ("Noto Sans CJK TC", "Noto Sans TC", "WenQuanYi Micro Hei", "Noto Sans CJK JP")
_lock = threading.Lock()  # matplotlib's global state (rcParams, font cache) is not thread-safe


def _style() -> dict[str, Any]:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    family = [name for name in CJK_FONTS if name in installed] + ["DejaVu Sans"]
    return {"svg.fonttype": "none", "font.family": "sans-serif", "font.sans-serif": family, "font.size": 11,
            "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": "#9aa0a6",
            "svg.hashsalt": "labourbot"}


WIDE, NARROW = 8.0, 4.2  # inches: a laptop's card; a phone (390 px shows 4.2 in at about 13 px per 11 pt)


def render(draw: Callable[[Figure], None], width: float = WIDE, height: float = 3.6) -> str:
    """One figure drawn by `draw`, as SVG text (scales with the page: the width is set in CSS)."""
    with _lock, matplotlib.rc_context(_style()), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyphs on a server without CJK fonts
        figure = Figure(figsize=(width, height), layout="constrained")
        draw(figure)
        buffer = io.StringIO()
        FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None, "Creator": None})
        return buffer.getvalue()


def _empty(axes: Any, message: str = "這段期間沒有資料") -> None:
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes, color="#5f6368")
    axes.set_xticks([])
    axes.set_yticks([])


def messages_per_day(public: dict[str, Any], narrow: bool = False) -> str:
    days = public["per_day"]
    channels = sorted({c for d in days for c in d["by_channel"]})

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        if not channels:
            _empty(axes)
            return
        x = list(range(len(days)))
        for i, channel in enumerate(channels):
            axes.plot(x, values(d["by_channel"].get(channel, 0) for d in days), marker="o", markersize=3,
                      linewidth=2, color=COLOURS[i % len(COLOURS)], label=CHANNEL_LABELS.get(channel, channel))
        step = max(1, -(-len(days) // (4 if narrow else 8)))  # at most 4 (phone) or 8 labels
        axes.set_xticks(x[::step], [d["day"][5:] for d in days][::step])
        axes.set_ylim(bottom=0)
        axes.set_ylabel("訊息數")
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1), frameon=False, ncols=min(len(channels), 4),
                    handlelength=1.2, columnspacing=0.8, borderaxespad=0.2)
        axes.grid(axis="y", color="#e8eaed")
        axes.set_axisbelow(True)

    return render(draw, NARROW if narrow else WIDE, 3.4 if narrow else 3.6)


def _bars(labels: list[str], numbers: list[Any], xlabel: str, colour: str = BRAND, narrow: bool = False) -> str:
    drawn = values(numbers)

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        if not labels:
            _empty(axes)
            return
        y = list(range(len(labels)))[::-1]
        axes.barh(y, [0 if v != v else v for v in drawn], height=0.6, color=colour)
        axes.set_yticks(y, labels)
        axes.set_ylim(-0.8, len(labels) - 0.2)  # one or two bars stay bars, not blocks
        for yi, shown, raw in zip(y, numbers, drawn):
            axes.text(raw if raw == raw else 0, yi, f" {shown}", va="center", fontsize=10)
        axes.set_xlabel(xlabel)
        axes.margins(x=0.2 if narrow else 0.12)
        axes.grid(axis="x", color="#e8eaed")
        axes.set_axisbelow(True)
        if narrow:
            axes.xaxis.set_major_locator(MaxNLocator(4))

    return render(draw, NARROW if narrow else WIDE, max(1.6, 0.4 * len(labels) + 1.0))


def topics(public: dict[str, Any], narrow: bool = False) -> str:
    rows = list(public["by_topic"].items())
    return _bars([TOPIC_LABELS.get(t, t) for t, _ in rows], [c["messages"] for _, c in rows], "訊息數",
                 narrow=narrow)


def outcomes(public: dict[str, Any], narrow: bool = False) -> str:
    answers = public["answers"]
    keys = [k for k in OUTCOME_LABELS if answers[k] != 0]
    return _bars([OUTCOME_LABELS[k] for k in keys], [answers[k] for k in keys], "問題數", colour="#3f51b5",
                 narrow=narrow)


def cases_per_week(public: dict[str, Any], narrow: bool = False) -> str:
    weekly = public["cases_weekly"]
    weeks = [row["week"] for row in weekly]
    opened = values(row["opened"] for row in weekly)
    closed = values(row["closed"] for row in weekly)

    def draw(figure: Figure) -> None:
        axes = figure.add_subplot()
        if not any(v == v and v > 0 for v in opened + closed):
            _empty(axes, "這段期間沒有案件（或少於 5 件）")
            return
        x = list(range(len(weeks)))
        axes.bar([i - 0.2 for i in x], [0 if v != v else v for v in opened], width=0.4, color=BRAND, label="新案件")
        axes.bar([i + 0.2 for i in x], [0 if v != v else v for v in closed], width=0.4, color="#c77c02",
                 label="結案")
        step = max(1, -(-len(weeks) // (4 if narrow else 10)))
        axes.set_xticks(x[::step], [w[5:] for w in weeks][::step])
        axes.set_xlabel("週（週一日期）")
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1), frameon=False, ncols=2, borderaxespad=0.2)
        axes.grid(axis="y", color="#e8eaed")
        axes.set_axisbelow(True)

    return render(draw, NARROW if narrow else WIDE, 3.4 if narrow else 3.6)


def quiz_questions(public: dict[str, Any], narrow: bool = False) -> str:
    rows = [q for q in public["quiz"]["questions"] if q["correct_share"] is not None]
    return _bars([q["question"] for q in rows], [round(q["correct_share"] * 100) for q in rows], "答對率（%）",
                 colour="#7b1fa2", narrow=narrow)


def drawable(public: dict[str, Any]) -> dict[str, bool]:
    """Which plots have something to draw (the page leaves out the others and says so in words)."""
    def some(numbers: Any) -> bool:
        return any(isinstance(v, int) and v > 0 for v in numbers)

    return {
        "messages": some(n for d in public["per_day"] for n in d["by_channel"].values()),
        "topics": some(c["messages"] for c in public["by_topic"].values()),
        "outcomes": some(public["answers"][k] for k in OUTCOME_LABELS),
        "cases": some(v for row in public["cases_weekly"] for v in (row["opened"], row["closed"])),
        "quiz": any(q["correct_share"] is not None for q in public["quiz"]["questions"]),
    }


PLOTS: dict[str, Callable[..., str]] = {  # name -> draw(public, narrow=False)
    "messages": messages_per_day, "topics": topics, "outcomes": outcomes, "cases": cases_per_week,
    "quiz": quiz_questions,
}
