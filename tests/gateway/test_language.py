import pytest

from channels.language import REPLIES, foreign_language


@pytest.mark.parametrize("text,lang", [
    ("My boss has not paid my salary for two months", "en"),
    ("how many days of annual leave do I have", "en"),
    ("นายจ้างไม่จ่ายเงินเดือน", "th"),
    ("Chủ không trả lương cho tôi", "vi"),
    ("Majikan saya tidak bayar gaji", "id"),
    ("paspor saya ditahan agen", "id"),
    ("老闆不給加班費", None),
    ("OT費怎麼算 my boss", None),          # any Chinese goes to Rasa
    ("hello", None),                       # short greetings are in the NLU data
    ("ok thanks", None),
    ("", None),
    ("12345 678", None),
    ('/choose_topic{"topic": "annual_leave"}', None),  # a button payload, not English
])
def test_foreign_language(text, lang):
    assert foreign_language(text) == lang


def test_every_reply_points_to_1955():
    assert set(REPLIES) == {"en", "th", "vi", "id"}
    assert all("1955" in reply for reply in REPLIES.values())
