"""A face-reader check-in at the counter offers only the keys that work at its stage
(the demo desk on the simulated 資格確認端末, Pilot)."""

from __future__ import annotations

from tests.oqs.test_demo_desk import _face_desk


def _bar(screen: str) -> str:
    """The key bar: the last line of the screen's text."""
    return screen.rstrip().rsplit("│", 1)[-1]


async def test_the_face_check_in_offers_the_keys_of_its_stage() -> None:
    from clinic_desk.checkin.face import FaceStage

    screens, stage = await _face_desk("en", "p-yamada-taro", ["19800401", "ヤマダ タロウ"])
    assert stage is FaceStage.SHOWN
    asking = _bar(screens[0])  # the birthdate: Esc cancels; nothing to accept, not over
    assert "Esc" in asking and "Accept" not in asking and "Next patient" not in asking
    shown = _bar(screens[-1])  # the record: D for the next patient, nothing to cancel
    assert "D Next patient" in shown and "Esc" not in shown and "Accept" not in shown
