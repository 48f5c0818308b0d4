"""How far away the embedded gateway seems: a round-trip time and a bandwidth.

The embedded gateway answers over loopback in well under a millisecond, which says
nothing about what a patient waits for at a clinic whose gateway sits behind a WAN.
A ``NetworkModel`` makes each request cost what such a network costs: half the
round trip and the request's bytes before the route runs, the other half and the
response's bytes before the answer leaves. It is spent inside the server (an
``asyncio.sleep``, so it holds no thread), where the client sees it as time on the
wire. docs/gateway-api.md says where the ``wan-40ms`` figures come from.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NetworkPreset = Literal["loopback", "wan-40ms"]


class NetworkModel(BaseModel):
    """A round-trip time (ms) and a bandwidth (kbit/s, each way) for every request."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    round_trip_ms: float = Field(default=0.0, ge=0, le=10_000, description="per request")
    bandwidth_kbit_s: float | None = Field(
        default=None, gt=0, le=10_000_000, description="each way; none: unlimited"
    )

    def one_way_seconds(self, size: int) -> float:
        """Half the round trip plus ``size`` bytes on the wire."""
        seconds = self.round_trip_ms / 2000
        if self.bandwidth_kbit_s is not None:
            seconds += size * 8 / (self.bandwidth_kbit_s * 1000)
        return seconds

    @property
    def instant(self) -> bool:
        return self.round_trip_ms == 0 and self.bandwidth_kbit_s is None


LOOPBACK = NetworkModel()
# A clinic's line to the national system's gateway: 40 ms round trip, 10 Mbit/s each
# way (the figures of the benchmarks; docs/gateway-api.md, "Network model").
WAN_40MS = NetworkModel(round_trip_ms=40, bandwidth_kbit_s=10_000)

PRESETS: dict[str, NetworkModel] = {"loopback": LOOPBACK, "wan-40ms": WAN_40MS}


def resolve_network(value: NetworkPreset | NetworkModel) -> NetworkModel:
    """The model a setting names."""
    return PRESETS[value] if isinstance(value, str) else value


def _content_length(headers: list[tuple[bytes, bytes]] | object) -> int:
    for name, value in headers if isinstance(headers, list) else []:
        if name.lower() == b"content-length":
            try:
                return max(0, int(value))
            except ValueError:
                return 0
    return 0


class NetworkHolder:
    """The model in force; the server's loop reads it, a test or a replay swaps it."""

    def __init__(self, model: NetworkModel = LOOPBACK) -> None:
        self.model = model


class DelayedNetwork:
    """ASGI middleware spending ``holder.model``'s time on each HTTP request."""

    def __init__(self, app: ASGIApp, holder: NetworkHolder) -> None:
        self.app = app
        self.holder = holder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        model = self.holder.model
        if scope["type"] != "http" or model.instant:
            await self.app(scope, receive, send)
            return
        await asyncio.sleep(model.one_way_seconds(_content_length(scope.get("headers", []))))

        async def delayed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                size = _content_length(message.get("headers", []))
                await asyncio.sleep(model.one_way_seconds(size))
            await send(message)

        await self.app(scope, receive, delayed_send)
