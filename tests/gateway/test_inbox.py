"""The webhook inbox's store operations (channels/inbox.py) on a real database: redeliveries are never
new rows, orphans are claimed once whatever the number of claimers, finished rows are never replayed,
old finished rows are purged."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from cases.db import CaseStore
from cases.models import InboxEvent, utcnow
from channels.inbox import ChannelInbox, Inbox, NewEvent

pytestmark = pytest.mark.cases

LEASE = timedelta(seconds=30)


def ev(key: str, sender: str = "U1") -> NewEvent:
    return NewEvent(key, sender, f'{{"webhookEventId": "{key}"}}')


def rows(store: CaseStore) -> list[InboxEvent]:
    with store.read() as s:
        found = list(s.scalars(select(InboxEvent).order_by(InboxEvent.id)))
        s.expunge_all()  # keep the loaded values after the read's rollback
        return found


def test_accept_is_idempotent_per_channel_and_key(case_store):
    a, b = Inbox(case_store, owner="gw-a"), Inbox(case_store, owner="gw-b")
    first = a.accept("line", [ev("E1"), ev("E2"), ev("E1")])
    assert [r.event_key for r in first] == ["E1", "E2"], "a repeat within one webhook is dropped too"
    assert all(r.attempts == 1 for r in first)
    assert a.accept("line", [ev("E2"), ev("E3")])[0].event_key == "E3"
    assert b.accept("line", [ev("E1")]) == [], "a redelivery reaching another process is not new either"
    assert [r.event_key for r in b.accept("telegram", [ev("E1")])] == ["E1"], "keys are per channel"
    stored = rows(case_store)
    assert [(r.channel, r.event_key, r.claimed_by) for r in stored] == [
        ("line", "E1", "gw-a"), ("line", "E2", "gw-a"), ("line", "E3", "gw-a"), ("telegram", "E1", "gw-b")]
    assert all(r.status == "pending" and r.lease_until > utcnow() for r in stored)


def test_only_rows_whose_lease_ran_out_are_orphans_oldest_first(case_store):
    dead, live = Inbox(case_store, owner="dead"), Inbox(case_store, owner="live")
    now = utcnow()
    dead.accept("line", [ev("old-1", "U1")], now=now - timedelta(seconds=90))
    dead.accept("line", [ev("old-2", "U2"), ev("old-3", "U1")], now=now - timedelta(seconds=60))
    live.accept("line", [ev("fresh")], now=now)
    dead.accept("telegram", [ev("tg")], now=now - timedelta(seconds=90))
    claimed = live.claim_orphans("line", now=now)
    assert [r.event_key for r in claimed] == ["old-1", "old-2", "old-3"]
    assert all(r.attempts == 2 for r in claimed)
    assert live.claim_orphans("line", now=now) == [], "claimed rows carry our lease now"
    assert [r.event_key for r in live.claim_orphans("telegram", now=now)] == ["tg"]


def test_done_and_failed_rows_are_never_replayed_and_a_done_row_forgets_its_body(case_store):
    inbox = Inbox(case_store, owner="gw")
    done, failed, pending = inbox.accept("line", [ev("done"), ev("failed"), ev("pending")])
    assert inbox.mark_done(done.id) and inbox.mark_failed(failed.id, "KeyError")
    assert not inbox.mark_done(done.id), "finishing twice changes nothing"
    assert not inbox.mark_done(failed.id), "a failed row stays failed"
    later = utcnow() + LEASE * 2
    replayed = Inbox(case_store, owner="next").claim_orphans("line", now=later)
    assert [r.event_key for r in replayed] == ["pending"]
    by_key = {r.event_key: r for r in rows(case_store)}
    assert by_key["done"].body == "" and by_key["done"].done_at is not None
    assert by_key["failed"].body and by_key["failed"].last_error == "KeyError"


def test_renewed_leases_keep_a_live_process_rows_and_release_hands_them_over(case_store):
    mine, other = Inbox(case_store, lease_s=30, owner="mine"), Inbox(case_store, owner="other")
    now = utcnow()
    held, released = mine.accept("line", [ev("held", "Uheld"), ev("released", "Ureleased")], now=now)
    assert mine.renew([held.id], now=now + timedelta(seconds=25)) == 1
    assert other.renew([held.id]) == 0, "only the holder renews"
    assert [r.event_key for r in other.claim_orphans("line", now=now + timedelta(seconds=40))] == ["released"]
    assert mine.release([held.id]) == 1
    assert [r.event_key for r in other.claim_orphans("line")] == ["held"]


def test_a_conversations_newer_row_waits_while_an_older_one_is_in_flight_or_backing_off(case_store):
    """Replays keep the user's order: a newer orphan of a conversation is not taken while an older row of
    it is held (in flight elsewhere, or waiting for its retry); older orphans come first in one round."""
    gw, other = Inbox(case_store, lease_s=30, owner="gw"), Inbox(case_store, lease_s=30, owner="other")
    now = utcnow()
    first, second = gw.accept("line", [ev("first", "Uorder"), ev("second", "Uorder")], now=now)
    gw.renew([first.id], now=now + timedelta(seconds=25))  # the first is still being answered
    later = now + timedelta(seconds=40)
    assert other.claim_orphans("line", now=later) == [], "the second would overtake the first"
    assert gw.retry_later(first.id, "LINE 429", now=later, not_before_s=60)
    assert other.claim_orphans("line", now=later + timedelta(seconds=30)) == [], "the first backs off"
    assert [r.event_key for r in other.claim_orphans("line", now=later + timedelta(seconds=61))] == [
        "first", "second"]


def test_a_stored_answer_is_retried_longer_than_an_unanswered_event(case_store):
    inbox = Inbox(case_store, lease_s=1, max_attempts=2, max_delivery_attempts=4, owner="gw")
    [answered, unanswered] = inbox.accept("line", [ev("answered", "Ua"), ev("unanswered", "Ub")])
    assert inbox.save_reply(answered.id, '{"groups": []}')
    now = utcnow()
    taken = []
    for _ in range(5):
        now += timedelta(seconds=2)
        taken += [r.event_key for r in inbox.claim_orphans("line", now=now)]
    assert taken.count("answered") == 3 and taken.count("unanswered") == 1
    assert {r.event_key: r.status for r in rows(case_store)} == {"answered": "failed", "unanswered": "failed"}


def test_a_row_taken_too_often_is_failed_instead_of_replayed_forever(case_store):
    inbox = Inbox(case_store, lease_s=1, max_attempts=3, owner="gw")
    [row] = inbox.accept("line", [ev("poison")])
    now = utcnow()
    for attempt in (2, 3):
        now += timedelta(seconds=2)
        [again] = inbox.claim_orphans("line", now=now)
        assert again.attempts == attempt
    assert inbox.claim_orphans("line", now=now + timedelta(seconds=2)) == []
    [stored] = rows(case_store)
    assert stored.status == "failed" and "3 attempts" in stored.last_error


def test_retry_later_lets_the_row_come_back_after_a_backoff(case_store):
    inbox = Inbox(case_store, owner="gw")
    [row] = inbox.accept("line", [ev("undelivered")])
    now = utcnow()
    assert inbox.retry_later(row.id, "delivery failed", now=now)
    assert inbox.claim_orphans("line", now=now + timedelta(seconds=1)) == []
    [again] = inbox.claim_orphans("line", now=now + timedelta(seconds=6))
    assert again.id == row.id and again.attempts == 2


def test_two_concurrent_claimers_never_get_the_same_orphan(case_settings):
    """Two processes (two engines on one database) claim 60 orphans at the same time."""
    stores = [CaseStore(case_settings) for _ in range(2)]
    try:
        stores[0].ensure_schema()
        dead = Inbox(stores[0], owner="dead")
        past = utcnow() - timedelta(minutes=5)
        for i in range(6):
            dead.accept("line", [ev(f"E{i}-{j}", f"U{i}-{j}") for j in range(10)], now=past)
        claimers = [Inbox(store, owner=f"gw-{n}") for n, store in enumerate(stores)]
        got: list[list[int]] = [[], []]
        start = threading.Barrier(2)

        def claim(n: int) -> None:
            start.wait()
            while batch := claimers[n].claim_orphans("line", limit=7):
                got[n] += [r.id for r in batch]

        threads = [threading.Thread(target=claim, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not set(got[0]) & set(got[1]), "a row was claimed twice"
        assert len(got[0]) + len(got[1]) == 60
        owners = {r.id: r.claimed_by for r in rows(stores[0])}
        assert all(owners[i] == "gw-0" for i in got[0]) and all(owners[i] == "gw-1" for i in got[1])
    finally:
        for store in stores:
            store.dispose()


def test_purge_deletes_old_finished_rows_only(case_store):
    inbox = Inbox(case_store, owner="gw")
    now = utcnow()
    old_done, old_failed, old_pending, new_done = inbox.accept(
        "line", [ev("old-done"), ev("old-failed"), ev("old-pending"), ev("new-done")],
        now=now - timedelta(days=10))
    inbox.mark_done(old_done.id, now=now - timedelta(days=8))
    inbox.mark_failed(old_failed.id, "x", now=now - timedelta(days=8))
    inbox.mark_done(new_done.id, now=now - timedelta(days=6))
    assert inbox.purge(7, now=now) == 2
    assert sorted(r.event_key for r in rows(case_store)) == ["new-done", "old-pending"]
    assert inbox.accept("line", [ev("old-done")]), "a purged key is no longer known"


async def test_the_channel_side_renews_replays_and_releases(case_store):
    replayed: list[str] = []

    async def replay(batch):  # type: ignore[no-untyped-def]
        replayed.extend(r.event_key for r in batch)

    Inbox(case_store, owner="dead").accept("line", [ev("orphan")], now=utcnow() - timedelta(minutes=5))
    channel = ChannelInbox(Inbox(case_store, lease_s=30, owner="live"), "line", replay)
    [live] = await channel.accept([ev("live")])
    assert await channel.beat() == 1 and replayed == ["orphan"]
    orphan_id = next(r.id for r in rows(case_store) if r.event_key == "orphan")
    assert channel.in_flight == {live.id, orphan_id}
    assert await channel.beat() == 0, "rows in flight are renewed, not replayed again"
    await channel.done(live.id)
    assert live.id not in channel.in_flight
    await channel.stop()
    assert Inbox(case_store, owner="next").claim_orphans("line")[0].event_key == "orphan", "released at stop"


def test_a_restarted_gateway_takes_over_the_rows_of_its_dead_predecessor_at_once(case_store):
    import os
    import subprocess
    import sys

    from channels.inbox import _host

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)  # a process of this host that has exited
    dead = Inbox(case_store, owner=f"{_host()}:{dead_pid}:1a")
    alive_elsewhere = Inbox(case_store, owner=f"{_host()}:{os.getpid()}:2b")  # a live process (this one)
    other_host = Inbox(case_store, owner="another-host:1:3c")
    dead.accept("line", [ev("D1")])
    alive_elsewhere.accept("line", [ev("A1")])
    other_host.accept("line", [ev("H1")])
    restarted = Inbox(case_store, owner=f"{_host()}:{os.getpid()}:4d")
    assert restarted.claim_orphans("line") == [], "all three leases are still running"
    assert restarted.expire_dead_local_leases() == 1
    assert [r.event_key for r in restarted.claim_orphans("line")] == ["D1"], \
        "only the dead local process's row; a live process and another host keep theirs until the lease ends"
