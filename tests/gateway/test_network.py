"""The gateway's network model: what each request costs, and how a fixture names it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from clinic_desk.gateway.network import LOOPBACK, WAN_40MS, NetworkModel, resolve_network
from clinic_desk.scenarios.scenario import GatewaySpec


def test_a_request_costs_half_the_round_trip_and_its_bytes_each_way() -> None:
    model = resolve_network("wan-40ms")
    assert model is WAN_40MS
    assert model.one_way_seconds(0) == pytest.approx(0.020)
    # 1250 bytes at 10 Mbit/s: 1 ms on the wire
    assert model.one_way_seconds(1250) == pytest.approx(0.021)


def test_loopback_adds_nothing() -> None:
    assert resolve_network("loopback") is LOOPBACK
    assert LOOPBACK.instant and LOOPBACK.one_way_seconds(10_000) == 0


def test_a_fixture_names_a_preset_or_its_own_figures() -> None:
    assert GatewaySpec().network == "loopback"
    assert GatewaySpec.model_validate({"network": "wan-40ms"}).network == "wan-40ms"
    own = GatewaySpec.model_validate({"network": {"round_trip_ms": 80}}).network
    assert own == NetworkModel(round_trip_ms=80)
    for bad in ("satellite", {"round_trip_ms": -1}, {"bandwidth_kbit_s": 0}, {"jitter": 1}):
        with pytest.raises(ValidationError):
            GatewaySpec.model_validate({"network": bad})
