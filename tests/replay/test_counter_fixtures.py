"""The fixtures for the patients at the counter replay as the current check-in can."""

from __future__ import annotations

from clinic_desk.paths import fixtures_dir
from clinic_desk.scenarios.replay import Replayer
from clinic_desk.scenarios.scenario import Scenario

SCENARIOS = fixtures_dir() / "scenarios"


async def test_an_expired_certificate_shows_eligibility_without_medications() -> None:
    path = SCENARIOS / "certificate-expired-2-months.json"
    scenario = Scenario.load(path)
    assert any(getattr(step, "consent", False) for step in scenario.steps)  # the patient agreed
    async with Replayer() as replayer:
        result = await replayer.replay(path)
        ordinary = await replayer.replay(SCENARIOS / "certificate-expires-soon.json")
    assert result.matched and result.outcome.value == "shown"
    assert result.medications is None  # refused by the gateway: eligibility only
    assert ordinary.matched and ordinary.medications == 25


def test_the_certificate_fixtures_pin_the_gateways_date() -> None:
    for name in (
        "certificate-expired-2-months",
        "certificate-expired-4-months",
        "certificate-expires-soon",
        "certificate-revoked-and-expired",
    ):
        assert Scenario.load(SCENARIOS / f"{name}.json").gateway.today is not None, name
