from hypothesis import given, strategies as st

from labourbot.textnorm import normalize, normalize_same_length, to_halfwidth


def test_simplified_becomes_taiwan_traditional():
    assert normalize_same_length("老板不给加班费") == "老闆不給加班費"


def test_fullwidth_ascii_and_ideographic_space_become_halfwidth():
    assert to_halfwidth("ＯＴ費１２３！　") == "OT費123! "


def test_normalize_collapses_space_lowercases_and_drops_zero_width():
    assert normalize("  OK\u200b\u200b  加班\t費 ") == "ok 加班 費"


@given(st.text(max_size=200))
def test_same_length_normalisation_keeps_entity_offsets(text):
    assert len(normalize_same_length(text)) == len(text)


@given(st.text(max_size=200))
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


def test_clip_keeps_short_text_and_marks_a_cut() -> None:
    from labourbot.textnorm import clip

    assert clip("  加班費  ", 10) == "加班費"
    assert clip("一二三四五六", 4) == "一二三…" and len(clip("一二三四五六", 4)) == 4
    assert clip("第一行\n第二行", 20, one_line=True) == "第一行 第二行"
    assert clip("第一行\n第二行", 20) == "第一行\n第二行"
