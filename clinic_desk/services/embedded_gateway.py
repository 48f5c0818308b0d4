"""The embedded gateway as a desk's gateway source (the demo, a support fixture).

A real HTTP server on loopback, serving a dataset with its fault knobs, and the
desk's real ``EligibilityClient`` in front of it. ``GatewaySwitch`` takes it down
and brings it back, as the demo's "gateway down" option does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from clinic_desk.domain.clock import Clock
from clinic_desk.eligibility.client import EligibilityClient
from clinic_desk.eligibility.settings import GatewaySettings
from clinic_desk.gateway.dataset import Dataset
from clinic_desk.gateway.faults import Fault, FaultKind
from clinic_desk.gateway.network import LOOPBACK, NetworkModel
from clinic_desk.gateway.server import GatewayServer
from clinic_desk.services.desk import GatewayWatch
from clinic_desk.services.gateway import preload
from clinic_desk.services.sources import GatewayParts


def set_faults(server: GatewayServer, faults: Iterable[Fault]) -> None:
    """Replace the server's fault plan."""
    server.state.faults.clear()
    for fault in faults:
        server.state.faults.add(fault)


class GatewaySwitch:
    """Cuts an embedded gateway and brings it back with the faults it was meant to have."""

    def __init__(
        self, server: GatewayServer, watch: GatewayWatch, planned: Iterable[Fault] = ()
    ) -> None:
        self.server = server
        self._watch = watch
        self.planned = list(planned)
        self.down = False

    @property
    def meant_online(self) -> bool:
        """False when the plan itself takes the gateway down."""
        return not any(f.kind is FaultKind.DOWN for f in self.planned)

    def arm(self) -> None:
        """Put the planned faults in force (after a fixture primed its cache)."""
        set_faults(self.server, self.planned)

    def toggle(self) -> bool:
        self.down = not self.down
        set_faults(self.server, [Fault(kind=FaultKind.DOWN)] if self.down else self.planned)
        self._watch.found(not self.down and self.meant_online)
        return self.down


class EmbeddedGateway:
    """A gateway server of this process, on 127.0.0.1, with the desk's client in front.

    ``faults`` are the plan: not in force until ``GatewaySwitch.arm()`` (a fixture primes
    its cache through a working gateway first).
    """

    def __init__(
        self,
        dataset: Dataset | None = None,
        *,
        faults: Iterable[Fault] = (),
        client_knobs: dict[str, Any] | None = None,
        processing_retry_after: float | None = None,
        clock: Clock | None = None,
        network: NetworkModel = LOOPBACK,
    ) -> None:
        self.dataset = dataset
        self.network = network
        self.clock = clock
        self.faults = list(faults)
        self.client_knobs = dict(client_knobs or {})
        self.processing_retry_after = processing_retry_after
        self._switch: GatewaySwitch | None = None

    def arm(self) -> None:
        """Put the planned faults in force (after a fixture primed its cache)."""
        if self._switch is not None:
            self._switch.arm()

    async def open(self, watch: GatewayWatch) -> GatewayParts:
        await asyncio.to_thread(preload)
        options: dict[str, Any] = {"max_seconds": None, "network": self.network}
        if self.processing_retry_after is not None:
            options["processing_retry_after"] = self.processing_retry_after
        if self.clock is not None:  # a fixture's own "today"
            options["clock"] = self.clock
        server = await asyncio.to_thread(GatewayServer(self.dataset, **options).start)
        client = EligibilityClient(GatewaySettings(base_url=server.url, **self.client_knobs))
        switch = self._switch = GatewaySwitch(server, watch, self.faults)

        async def close() -> None:
            await client.aclose()
            await asyncio.to_thread(server.stop)

        return GatewayParts(
            client=client, online=switch.meant_online, switch=switch, closers=[close]
        )
