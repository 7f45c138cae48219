"""/console/analytics: the service figures for supervisors and administrators (figures/compute.py).

Aggregate counts only, never a message text; counts from 1 to 4 are shown as "<5" (the same public
figures as the CSV download and `labourbot stats`). Plots are SVG images served from this router
(figures/plots.py): the page's Content-Security-Policy (img-src 'self', no inline styles) holds, and an
SVG shown as an image runs no scripts. The page, its CSV and its plots compute one range once and share
it for `CACHE_S` seconds.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from typing import Any, Optional

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from channels.console.access import authorize
from channels.console.routes import SECURITY_HEADERS, Viewer, _store, render
from figures.compute import compute, last_days, parse_range, to_csv
from figures.plots import CHANNEL_LABELS, OUTCOME_LABELS, PLOTS, drawable
from labourbot.topics import TOPIC_LABELS

router = APIRouter(prefix="/console", include_in_schema=False)
PRESETS = {"7": "最近 7 天", "30": "最近 30 天", "90": "最近 90 天"}
SERVICE_LABELS = {"calculator": "試算", "job_search": "找工作", "scam_check": "求職防騙檢查", "quiz": "勞動權益小測驗"}
PRIORITY_LABELS = {"normal": "一般", "high": "緊急"}
CACHE_S = 30.0
FEEDBACK_TOP = 15  # entries in the feedback table; the rest fold away (all are in the CSV)
# An SVG opened as an image cannot run scripts; its own inline styles (matplotlib's) must apply.
SVG_HEADERS = {**SECURITY_HEADERS, "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}

_cache: dict[tuple[int, date, date], tuple[float, dict[str, Any]]] = {}
_cache_lock = threading.Lock()


def _range(days: str, since: str, until: str) -> tuple[date, date, str, Optional[str]]:
    """(since, until, preset, error) of the query: a preset, or custom dates; 30 days by default."""
    if since or until:
        try:
            start, end = parse_range(since or None, until or None)
            return start, end, "", None
        except ValueError as exc:
            start, end = last_days(30)
            return start, end, "30", f"{exc}；先顯示最近 30 天。"
    preset = days if days in PRESETS else "30"
    start, end = last_days(int(preset))
    return start, end, preset, None


def public_figures(request: Request, since: date, until: date, fresh: bool = False) -> dict[str, Any]:
    store = _store(request)
    key = (id(store), since, until)
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and not fresh and now - hit[0] < CACHE_S:
        return hit[1]
    with store.read() as session:
        public = compute(session, since, until).public()
    with _cache_lock:
        for stale in [k for k, (at, _) in _cache.items() if now - at >= CACHE_S]:
            _cache.pop(stale, None)
        _cache[key] = (now, public)
    return public


@router.get("/analytics")
def analytics_page(request: Request, days: str = "", since: str = "", until: str = "") -> Response:
    """The figures of a range: summary, plots and tables."""
    viewer = authorize(request, "supervisor")
    if not isinstance(viewer, Viewer):
        return viewer
    start, end, preset, error = _range(days, since, until)
    public = public_figures(request, start, end, fresh=True)
    query = f"since={start.isoformat()}&until={end.isoformat()}"
    ranked = sorted(public["feedback"], key=lambda r: (-_taps(r), r["entry_id"]))
    return render(request, "analytics.html", viewer=viewer, f=public, query=query, preset=preset, presets=PRESETS,
                  error=error, since=start.isoformat(), until=end.isoformat(), topics=TOPIC_LABELS,
                  channels=CHANNEL_LABELS, outcomes=OUTCOME_LABELS, services=SERVICE_LABELS,
                  priorities=PRIORITY_LABELS, pct=_pct, feedback_top=ranked[:FEEDBACK_TOP],
                  feedback_rest=ranked[FEEDBACK_TOP:], drawable=drawable(public))


@router.get("/analytics.csv")
def analytics_csv(request: Request, days: str = "", since: str = "", until: str = "") -> Response:
    """The same figures as the page, one number per row (figure, item, value)."""
    viewer = authorize(request, "supervisor")
    if not isinstance(viewer, Viewer):
        return viewer
    start, end, _, _ = _range(days, since, until)
    body = to_csv(public_figures(request, start, end))
    name = f"labourbot-figures-{start.isoformat()}-{end.isoformat()}.csv"
    return PlainTextResponse(body, media_type="text/csv; charset=utf-8",
                             headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/analytics/plot/{name}.svg")
def analytics_plot(request: Request, name: str, since: str = "", until: str = "", w: str = "") -> Response:
    """One plot of the page as an SVG image (`w=s`: drawn for a phone's width)."""
    viewer = authorize(request, "supervisor")
    if not isinstance(viewer, Viewer):
        return viewer
    draw = PLOTS.get(name)
    if draw is None:
        return Response(status_code=404, headers=SECURITY_HEADERS)
    start, end, _, _ = _range("", since, until)
    svg = draw(public_figures(request, start, end), narrow=w == "s")
    return Response(svg, media_type="image/svg+xml", headers=SVG_HEADERS)


def _taps(row: dict[str, Any]) -> int:
    """Taps of a feedback row as shown ("<5" counts as nothing: the order must not reveal it)."""
    return sum(v for v in (row["helpful"], row["not_helpful"]) if isinstance(v, int))


def _pct(value: Optional[float]) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
