"""An answer about occupational injury, mediation or the free legal consultation offers the next step the
chat can take (docs/services.md, docs/mediation.md); other answers offer none."""

from __future__ import annotations

from types import SimpleNamespace

from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import answer_with_entry, service_buttons


def entry(id: str, topic: str) -> SimpleNamespace:
    return SimpleNamespace(id=id, topic=topic, title="標題", answer="答案。", citations=("勞動基準法第59條",))


def test_injury_and_mediation_answers_offer_the_service_and_others_do_not():
    assert [b["payload"] for b in service_buttons(entry("occ-first-steps", "occupational_injury"))] == [
        "/request_followup"]
    assert [b["payload"] for b in service_buttons(entry("med-how-to-apply", "dispute_mediation"))] == [
        "/apply_mediation"]
    assert [b["payload"] for b in service_buttons(entry("other-legal-consultation", "other"))] == [
        "/book_consultation"]
    assert service_buttons(entry("wages-payslip", "wages")) == []


def test_the_service_button_comes_before_the_person_and_feedback_buttons():
    dispatcher = CollectingDispatcher()
    answer_with_entry(dispatcher, entry("occ-first-steps", "occupational_injury"))
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads.index("/request_followup") < payloads.index("/request_human")
