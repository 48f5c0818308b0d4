"""The 資格確認端末 as the desk's backend: re-verification of offline visits by their
numbers through a real simulator process, over real folders, into a real SQLCipher
cache; the check-in port refuses cards for the face reader."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from clinic_desk.checkin import events as ev
from clinic_desk.gateway.dataset import Dataset, load_dataset
from clinic_desk.oqs import OqsClient
from clinic_desk.services.reverify import (
    MISLINK_FOUND,
    SEVERAL_QUALIFICATIONS_FOUND,
    Reverifier,
)
from clinic_desk.services.terminal import CARD_AT_FACE_READER, TerminalPort, TerminalReverify
from offline_cache import OfflineCache, VisitStatus
from tests.oqs.conftest import Terminal, make_settings
from tests.reverify.test_reverifier import cache_dump, offline_visit, own_record


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset()


def _reverifier(cache: OfflineCache, root: Path, **overrides: object) -> Reverifier:
    settings = make_settings(root, archive_dir=root.parent / "archive", **overrides)
    settings = settings.model_copy(update={"journal_path": root.parent / "journal.jsonl"})
    ask = TerminalReverify(OqsClient(settings))
    return Reverifier(cache, None, desk_id="desk-1", ask=ask)


def test_a_visit_is_confirmed_by_its_numbers(
    cache: OfflineCache, dataset: Dataset, root: Path, terminal: Callable[..., Terminal]
) -> None:
    terminal()
    visit = offline_visit(cache, "yamada-taro", own_record(dataset, "p-yamada-taro"))
    report = asyncio.run(_reverifier(cache, root).run_once())
    assert (report.checked, report.confirmed, report.pending) == (1, 1, 0)
    assert cache.visits.get(visit.id).status is VisitStatus.CONFIRMED
    # nothing of the exchange stays in the shared folder
    assert not any((root / "req").iterdir()) and not any((root / "res").iterdir())


def test_a_visit_now_linked_to_a_stranger_is_flagged_and_nothing_of_it_kept(
    cache: OfflineCache, dataset: Dataset, root: Path, terminal: Callable[..., Terminal]
) -> None:
    terminal("mislink:p-suzuki-ichiro")
    visit = offline_visit(cache, "yamada-taro", own_record(dataset, "p-yamada-taro"))
    report = asyncio.run(_reverifier(cache, root).run_once())
    assert (report.rejected, report.flagged) == (1, 1)
    assert cache.visits.get(visit.id).status is VisitStatus.REJECTED
    assert [f.reason for f in cache.flags.find()] == [MISLINK_FOUND]
    stranger = dataset.patients["p-suzuki-ichiro"].record
    dump = cache_dump(cache)
    assert stranger.name not in dump and stranger.birthdate.isoformat() not in dump


def test_several_qualifications_reject_the_visit_and_flag_it(
    cache: OfflineCache, dataset: Dataset, root: Path, terminal: Callable[..., Terminal]
) -> None:
    terminal("mislink")
    visit = offline_visit(cache, "yamada-taro", own_record(dataset, "p-yamada-taro"))
    report = asyncio.run(_reverifier(cache, root).run_once())
    assert (report.rejected, report.flagged) == (1, 1)
    assert cache.visits.get(visit.id).reverification == {"state": 5}
    assert [f.reason for f in cache.flags.find()] == [SEVERAL_QUALIFICATIONS_FOUND]


def test_a_terminal_that_does_not_answer_leaves_the_visit_pending(
    cache: OfflineCache, dataset: Dataset, root: Path, terminal: Callable[..., Terminal]
) -> None:
    terminal("never")
    visit = offline_visit(cache, "yamada-taro", own_record(dataset, "p-yamada-taro"))
    report = asyncio.run(_reverifier(cache, root, lookup_timeout=0.5).run_once())
    assert report.gateway_unavailable and report.pending == 1
    assert cache.visits.get(visit.id).status is VisitStatus.PENDING


def test_a_card_at_the_desk_is_sent_to_the_face_reader(root: Path) -> None:
    port = TerminalPort(OqsClient(make_settings(root)))
    refused = asyncio.run(port.challenge())
    assert isinstance(refused, ev.GatewayRejected) and refused.code == CARD_AT_FACE_READER
    assert not any((root / "req").iterdir())  # nothing was asked of the national system
