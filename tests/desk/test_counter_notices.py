"""Offline visits whose re-check comes back changed or rejected are shown at the
counter until staff have seen them (Pilot, the demo desk, its embedded gateway and
its real SQLCipher cache)."""

from __future__ import annotations

from clinic_desk.app.widgets.prose import Prose
from clinic_desk.gateway.dataset import load_dataset
from tests.desk.conftest import Desk, screen_lines
from tests.reverify.test_reverifier import offline_visit, own_record


async def _until(desk: Desk, wanted: str) -> str:
    await desk.until_shown(wanted)
    return " ".join(" ".join(screen_lines(desk.app)).split())


async def test_changed_and_rejected_visits_are_noticed_until_k(desk: Desk) -> None:
    cache = desk.store().cache
    dataset = load_dataset()
    record = own_record(dataset, "p-yamada-taro")
    current = record.current
    assert current is not None
    shown = current.model_copy(update={"copay_ratio": 10})  # the visit was shown 1割
    offline_visit(cache, "yamada-taro", record.model_copy(update={"coverages": (shown,)}))
    # kobayashi-sachiko's coverage is lost by now: the re-check rejects the visit
    offline_visit(cache, "kobayashi-sachiko", record)
    desk.services.request_reverify()
    text = await _until(desk, "Offline visits re-checked with a different answer")
    assert "2 offline visits need attention" in text  # the status line counts them
    notices = desk.app.screen.query_one("#notices", Prose)
    assert "the coverage has changed (copay). Correct the visit's claim." in notices.text
    assert "eligibility was not confirmed." in notices.text
    keys = screen_lines(desk.app)[-1]
    assert "Seen" in keys
    await desk.press("k")
    text = " ".join(" ".join(screen_lines(desk.app)).split())
    assert "re-checked with a different answer" not in text
    assert "need attention" not in text
