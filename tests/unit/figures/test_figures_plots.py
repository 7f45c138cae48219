"""figures/plots.py: SVG with real text (the browser draws the Chinese), no hidden number drawn, and
which plots have something to draw."""

from __future__ import annotations

from datetime import date

from figures.compute import Figures
from figures.plots import PLOTS, drawable, topics


def public_of(**counts) -> dict:
    figures = Figures(since=date(2026, 12, 1), until=date(2026, 12, 3), **counts)
    return figures.public()


def test_labels_are_text_and_a_suppressed_count_is_not_drawn():
    public = public_of(by_topic={"overtime": {"messages": 12, "conversations": 9},
                                 "leave": {"messages": 3, "conversations": 2}})
    svg = topics(public)
    assert svg.lstrip().startswith("<?xml") and "<script" not in svg
    assert "加班與加班費" in svg and "請假" in svg  # text elements, not paths
    assert ">12<" in svg.replace(" ", "") or " 12" in svg
    assert "&lt;5" in svg and " 3<" not in svg


def test_every_plot_renders_for_an_empty_range_and_says_so():
    public = public_of()
    assert not any(drawable(public).values())
    for name, draw in PLOTS.items():
        for narrow in (False, True):
            assert "這段期間沒有" in draw(public, narrow=narrow), name


def test_drawable_follows_the_shown_numbers():
    public = public_of(per_day_channel={"2026-12-01": {"line": 7}}, by_kind={"kb_answer": {"messages": 2}})
    flags = drawable(public)
    assert flags["messages"] and not flags["outcomes"] and not flags["cases"]
