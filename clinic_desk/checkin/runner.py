"""Carries out the machine's effects and feeds the answers back.

UI-free: the desk, the headless replay and the tests drive check-ins through
this class. Blocking card and store calls run on their own single-thread
executors, which keeps pyscard's exclusive connection and the cache's audit
order intact while the event loop stays free.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from clinic_desk.checkin import effects as fx
from clinic_desk.checkin import events as ev
from clinic_desk.checkin.machine import CheckInMachine
from clinic_desk.checkin.path_runner import PATH_EFFECTS, StaffCheck, carry_out_path
from clinic_desk.checkin.ports import CardPort, GatewayPort, GatewaySession, Resign, StorePort
from clinic_desk.checkin.stages import ENDINGS, Stage
from clinic_desk.checkin.view import DeskView

log = logging.getLogger("clinic_desk.checkin")

T = TypeVar("T")
ViewListener = Callable[[DeskView], None]
# Sees each accepted event with the view from before it and the machine after it
# (a recording of the check-in); must not block.
EventObserver = Callable[[ev.Event, DeskView, CheckInMachine], None]


class CheckInRunner:
    """Runs one desk's check-ins: ``dispatch`` events, effects run in the background."""

    def __init__(
        self,
        machine: CheckInMachine,
        card: CardPort,
        gateway: GatewayPort,
        store: StorePort,
        *,
        on_view: ViewListener | None = None,
        staff_check: StaffCheck | None = None,
    ) -> None:
        self.machine = machine
        self._card = card
        self._gateway = gateway
        self._store = store
        self.on_view = on_view
        # a production desk's staff PIN check before a visual check (None: not asked)
        self.staff_check = staff_check
        self.observers: list[EventObserver] = []
        self._card_thread = ThreadPoolExecutor(1, thread_name_prefix="card")
        self._store_thread = ThreadPoolExecutor(1, thread_name_prefix="store")
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: GatewaySession | None = None
        self._session_generation = -1
        self._card_verified = False  # the card holds a verified auth PIN (after a signature)

    # -- driving -----------------------------------------------------------
    async def dispatch(self, event: ev.Event, generation: int | None = None) -> None:
        """Hand ``event`` to the machine and start the effects it asks for."""
        before = self.machine.stage
        observed = self.machine.view() if self.observers else None
        accepted = generation is None or generation == self.machine.generation
        effects = self.machine.handle(event, generation)
        if observed is not None and accepted:
            for observe in self.observers:
                observe(event, observed, self.machine)
        if self.machine.stage is not before:
            log.info("stage %s -> %s", before.value, self.machine.stage.value)
        self._publish()
        if self._card_verified and (
            self.machine.stage in ENDINGS or self.machine.stage is Stage.WAITING_FOR_CARD
        ):
            # the check-in is over: the card's verified state must not outlive it
            self._card_verified = False
            await self._on_card(self._card.release)
        gen, cert = self.machine.generation, self.machine.certificate_fingerprint()
        for effect in effects:
            task = asyncio.create_task(self._run(effect, gen, cert))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def settle(self) -> None:
        """Wait until every effect started so far (and those they start) is done."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def close(self) -> None:
        self._card_thread.shutdown(wait=False, cancel_futures=True)
        self._store_thread.shutdown(wait=True)

    def view(self) -> DeskView:
        return self.machine.view()

    @property
    def store(self) -> StorePort:
        """Where this desk's check-ins are cached, flagged and audited."""
        return self._store

    # -- for the paths without a PIN (path_runner.py) -------------------------
    @property
    def gateway_port(self) -> GatewayPort:
        return self._gateway

    @property
    def card_port(self) -> CardPort:
        return self._card

    def keep_session(self, session: GatewaySession, gen: int) -> None:
        """The check-in's gateway session (medications are fetched with it)."""
        self._session, self._session_generation = session, gen

    def on_card(self, fn: Callable[..., T], *args: Any) -> Awaitable[T]:
        return self._on_card(fn, *args)

    def on_store(self, fn: Callable[..., T], *args: Any) -> Awaitable[T]:
        return self._on_store(fn, *args)

    def _publish(self) -> None:
        if self.on_view is not None:
            self.on_view(self.machine.view())

    # -- effects -------------------------------------------------------------
    async def _run(self, effect: fx.Effect, gen: int, cert: str) -> None:
        try:
            await self._carry_out(effect, gen, cert)
        except Exception as exc:  # a bug below must end this check-in plainly, not hang it
            log.exception("effect %s failed", type(effect).__name__)
            await self.dispatch(
                ev.Failed(code="internal_error", message=f"Unexpected {type(exc).__name__}."),
                gen,
            )

    async def _carry_out(self, effect: fx.Effect, gen: int, cert: str) -> None:
        if isinstance(effect, PATH_EFFECTS):
            await carry_out_path(self, effect, gen)
        elif isinstance(effect, fx.ReadCard):
            await self.dispatch(await self._on_card(self._card.read_card), gen)
        elif isinstance(effect, fx.UnlockAndFetch):
            await self._unlock_and_fetch(effect, gen)
        elif isinstance(effect, fx.LookupCache):
            await self.dispatch(
                await self._on_store(self._store.lookup, effect.certificate_sha256), gen
            )
        elif isinstance(effect, fx.FetchMedications):
            if self._session is None or self._session_generation != gen:
                await self.dispatch(ev.MedicationsUnavailable(reason="no session"), gen)
            else:
                await self.dispatch(await self._gateway.fetch_medications(self._session), gen)
        elif isinstance(effect, fx.StoreConfirmed):
            await self._on_store(self._store.store_confirmed, effect)
        elif isinstance(effect, fx.QueueReverification):
            await self._on_store(self._store.queue_reverification, effect.certificate_sha256)
        elif isinstance(effect, fx.RaiseFlag):
            await self._on_store(
                self._store.raise_flag,
                effect.reason,
                effect.identity,
                effect.certificate_sha256,
                effect.linked_record_ref,
                effect.insurer_reference,
            )
        elif isinstance(effect, fx.Audit):
            await self._on_store(self._store.audit, effect.action, effect.detail, cert)

    async def _unlock_and_fetch(self, effect: fx.UnlockAndFetch, gen: int) -> None:
        pin = effect.pin.get_secret_value()
        confirm = effect.confirm_last_try
        if effect.pin_kind == "text":
            read = await self._on_card(self._card.read_identity, pin, confirm)
            await self.dispatch(read, gen)
            if not isinstance(read, ev.CardIdentityRead):
                return
        challenge = await self._gateway.challenge()
        if not isinstance(challenge, bytes):
            await self.dispatch(challenge, gen)
            return
        signature = await self._on_card(self._card.sign, challenge, pin, confirm)
        del pin
        if not isinstance(signature, bytes):
            await self.dispatch(signature, gen)
            return
        self._card_verified = True
        certificate = await self._on_card(self._card.certificate_der)
        session = await self._gateway.authenticate(
            certificate, signature, challenge, self._resigner(gen)
        )
        if isinstance(session, ev.GatewayUnavailable | ev.GatewayRejected | ev.Failed):
            await self.dispatch(session, gen)
            return
        self._session, self._session_generation = session, gen
        await self.dispatch(ev.Authenticated(), gen)
        await self.dispatch(await self._gateway.fetch_record(session), gen)

    def _resigner(self, gen: int) -> Resign:
        """Signs again without the PIN while this check-in's card is still verified."""

        async def resign(challenge: bytes) -> bytes | None:
            if gen != self.machine.generation or not self._card_verified:
                return None  # another check-in, or the card was released: ask again
            signed = await self._on_card(self._card.sign_again, challenge)
            if isinstance(signed, bytes):
                return signed
            self._card_verified = False
            return None

        return resign

    def _on_card(self, fn: Callable[..., T], *args: Any) -> Awaitable[T]:
        return asyncio.get_running_loop().run_in_executor(self._card_thread, fn, *args)

    def _on_store(self, fn: Callable[..., T], *args: Any) -> Awaitable[T]:
        return asyncio.get_running_loop().run_in_executor(self._store_thread, fn, *args)
