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
from clinic_desk.checkin.prepare import CacheAnswer, Preparation
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
        self._preparation: Preparation | None = None  # what the PIN prompt's time is used for
        self._published: tuple[ViewListener, DeskView] | None = None

    # -- driving -----------------------------------------------------------
    async def dispatch(self, event: ev.Event, generation: int | None = None) -> None:
        """Hand ``event`` to the machine and start the effects it asks for."""
        await self._dispatch(event, generation, publish=True)

    async def _dispatch(self, event: ev.Event, generation: int | None, *, publish: bool) -> None:
        before = self.machine.stage
        observed = self.machine.view() if self.observers else None
        accepted = generation is None or generation == self.machine.generation
        effects = self.machine.handle(event, generation)
        if observed is not None and accepted:
            for observe in self.observers:
                observe(event, observed, self.machine)
        if self.machine.stage is not before:
            log.info("stage %s -> %s", before.value, self.machine.stage.value)
        if publish:
            self._publish()
        if self._card_verified and (
            self.machine.stage in ENDINGS or self.machine.stage is Stage.WAITING_FOR_CARD
        ):
            # the check-in is over: the card's verified state must not outlive it
            self._card_verified = False
            await self._on_card(self._card.release)
        self._drop_preparation()
        gen, cert = self.machine.generation, self.machine.certificate_fingerprint()
        for effect in effects:
            self._track(asyncio.create_task(self._run(effect, gen, cert)))

    def _drop_preparation(self) -> None:
        """Forget the background work of a card that went or a check-in that ended."""
        prep, stage = self._preparation, self.machine.stage
        if prep is not None and (
            prep.generation != self.machine.generation
            or stage in ENDINGS
            or stage is Stage.WAITING_FOR_CARD
        ):
            self._preparation = None
            prep.drop()

    def _track(self, task: asyncio.Task[Any]) -> None:
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
        """Hand the view to the screen when it changed (an answer that changes nothing
        on screen, such as the four items read, costs the screen nothing)."""
        listener = self.on_view
        if listener is None:
            return
        view = self.machine.view()
        if (listener, view) != self._published:
            self._published = (listener, view)
            listener(view)

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
            await self.dispatch(await self._on_card(self._card.read_tries), gen)
        elif isinstance(effect, fx.ReadCertificate):
            await self._prepare(gen, effect.for_pin)
        elif isinstance(effect, fx.UnlockAndFetch):
            await self._unlock_and_fetch(effect, gen)
        elif isinstance(effect, fx.LookupCache):
            await self.dispatch(await self._lookup(effect.certificate_sha256, gen), gen)
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
            reference = await self._on_store(self._store.raise_flag, *effect.store_arguments())
            if reference:
                await self.dispatch(ev.FlagRaised(reference=reference), gen)
        elif isinstance(effect, fx.ProposeAlias):
            await self._on_store(self._store.propose_alias, effect)
        elif isinstance(effect, fx.Audit):
            await self._on_store(self._store.audit, effect.action, effect.detail, cert)

    # -- while the patient types, and after ------------------------------------
    def _preparation_for(self, gen: int) -> Preparation:
        prep = self._preparation
        if prep is None or prep.generation != gen:
            prep = self._preparation = Preparation(gen, track=self._track)
        return prep

    async def _prepare(self, gen: int, for_pin: bool) -> None:
        """The PIN prompt is up: ask for the challenge, read the certificate, then look
        the card up in the cache, all without the PIN and before the patient is done
        (a blocked card's certificate only, for the visual check)."""
        prep = self._preparation_for(gen)
        if for_pin:
            prep.start_challenge(self._gateway.challenge)
        read: ev.CertificateRead | ev.Failed | None = None
        try:
            read = await self._on_card(self._card.read_certificate)
            if for_pin and isinstance(read, ev.CertificateRead):
                prep.look_up(
                    read.certificate_sha256,
                    self._on_store(self._store.lookup, read.certificate_sha256),
                )
            await self.dispatch(read, gen)  # a card pulled meanwhile: the same clear error
        finally:
            prep.certificate_done(isinstance(read, ev.CertificateRead))

    async def _lookup(self, certificate_sha256: str, gen: int) -> CacheAnswer:
        prep = self._preparation
        ready = None
        if prep is not None and prep.generation == gen:
            ready = prep.take_cache_answer(certificate_sha256)
        if ready is not None:
            return await ready
        return await self._on_store(self._store.lookup, certificate_sha256)

    async def _unlock_and_fetch(self, effect: fx.UnlockAndFetch, gen: int) -> None:
        prep = self._preparation_for(gen)
        if self.machine.certificate_fingerprint() and not prep.certificate.done():
            prep.certificate_done(True)  # the card port gave the fingerprint with the tries
        if not await prep.certificate:
            return  # the certificate could not be read: that answer ended the check-in
        challenge = await prep.challenge(self._gateway.challenge)
        pin = effect.pin.get_secret_value()
        answer = await self._on_card(
            self._card.unlock,
            pin,
            effect.confirm_last_try,
            challenge if isinstance(challenge, bytes) else None,
            effect.pin_kind == "text",
        )
        del pin
        if answer.identity is not None:
            await self.dispatch(answer.identity, gen)
            if not isinstance(answer.identity, ev.CardIdentityRead):
                return
        if not isinstance(challenge, bytes):
            await self.dispatch(challenge, gen)
            return
        signature = answer.signature
        if not isinstance(signature, bytes):
            if signature is not None:
                await self.dispatch(signature, gen)
            return
        self._card_verified = True
        prep.challenge_spent()
        # read on the card thread before the signature: no other thread writes it now
        certificate = self._card.certificate_der()
        session = await self._gateway.authenticate(
            certificate, signature, challenge, self._resigner(gen)
        )
        if isinstance(session, ev.GatewayUnavailable | ev.GatewayRejected | ev.Failed):
            await self.dispatch(session, gen)
            return
        self._session, self._session_generation = session, gen
        # the record's requests leave before the screen says "fetching"
        record = asyncio.ensure_future(self._gateway.fetch_record(session))
        await asyncio.sleep(0)
        # a record that came with the token is shown next: no "fetching" frame to draw
        await self._dispatch(ev.Authenticated(), gen, publish=not record.done())
        fetched = await record
        if isinstance(fetched, ev.RecordFetched):
            fetched = await self._with_aliases(fetched)
        await self.dispatch(fetched, gen)

    async def _with_aliases(self, record: ev.RecordFetched) -> ev.RecordFetched:
        """The record with the card holder's approved aliases from the desk's cache."""
        cert = self.machine.certificate_fingerprint()
        aliases = await self._on_store(self._store.approved_aliases, cert) if cert else ()
        return record.model_copy(update={"aliases": tuple(aliases)}) if aliases else record

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
