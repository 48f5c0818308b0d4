"""The manager's review of flagged mismatches, without any UI.

``unlock_review`` checks the manager PIN (with its lockout) and, when it is right,
opens a ``ReviewSession``: the queue, a flag's detail with the unsealed insurer
reference, the actions (mark reported, resolve, reopen) and the CSV export. The
screen, the CLI and the tests all drive this class. Every call blocks (SQLCipher,
scrypt): the screen runs them in thread workers. Audit rows carry ids and codes only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from clinic_desk.config import ManagerConfig
from clinic_desk.domain.clock import Clock, utc_now
from clinic_desk.domain.flag_reference import FlagReferences, normalise_reference
from clinic_desk.manager.detail import FlagDetail, ReferenceState, open_reference
from clinic_desk.manager.errors import (
    InputProblem,
    ManagerError,
    ManagerKeyMissing,
    ReviewInputError,
)
from clinic_desk.manager.export import (
    CSV_COLUMNS,
    CSV_HEADERS,
    check_target,
    csv_header,
    csv_row,
    refuse_to_drop_references,
    write_csv,
)
from clinic_desk.manager.pin import ManagerPin, PinCheck
from clinic_desk.manager.queue import (
    FlagFilter,
    SortKey,
    filter_and_sort,
    reason_words,
    status_words,
)
from clinic_desk.manager.sealing import ManagerKeyFile, Unsealer, key_file_path
from clinic_desk.manager.search import flag_matches
from clinic_desk.texts import Lang
from offline_cache import FlagStatus, FlagSummary, MismatchFlag, OfflineCache

# the review's names in one place for its callers (each lives in the module of its concern)
__all__ = [
    "CSV_COLUMNS",
    "CSV_HEADERS",
    "FlagDetail",
    "FlagFilter",
    "InputProblem",
    "ReferenceState",
    "ReviewInputError",
    "ReviewSession",
    "SortKey",
    "csv_header",
    "filter_and_sort",
    "flag_matches",
    "reason_words",
    "status_words",
    "unlock_review",
]

ACTOR = "manager"


class ReviewSession:
    """An unlocked review: exists between a right PIN and the lock (or close)."""

    def __init__(
        self,
        cache: OfflineCache,
        unsealer: Unsealer | None,
        *,
        key_problem: str | None = None,
        key_path: Path | None = None,
        now: Clock = utc_now,
    ) -> None:
        self.cache = cache
        # the references patients were given for their flags (clinic_desk.domain.flag_reference)
        self.references = FlagReferences.of_cache(cache)
        self._unsealer = unsealer
        self.key_problem = key_problem
        self._key_path = key_path
        self._now = now
        self.closed = False

    # -- reading --------------------------------------------------------------
    def queue(self) -> list[FlagSummary]:
        """Every flag as a queue line (no personal data), newest first."""
        self._check()
        return self.cache.flags.summaries()

    def flags(self, flt: FlagFilter | None = None, sort: SortKey = "date") -> list[FlagSummary]:
        return filter_and_sort(self.queue(), flt or FlagFilter(), sort)

    def search(self, text: str) -> frozenset[str]:
        """The ids of the flags ``text`` finds (see ``flag_matches``), or whose patient
        reference it is."""
        self._check()
        named = set(self.find_reference(text))  # a patient's reference, read out any way
        return frozenset(
            f.id for f in self.cache.flags.find() if f.id in named or flag_matches(f, text)
        )

    def find_reference(self, text: str) -> list[str]:
        """The ids of the flags whose patient reference is ``text`` (as a patient or an
        insurer reads it out: any case, dashes and spaces optional), newest first."""
        self._check()
        wanted = normalise_reference(text)
        if wanted is None:
            return []
        return [f.id for f in self.queue() if self.references(f.id) == wanted]

    def detail(self, flag_id: str) -> FlagDetail:
        """The flag with its insurer reference unsealed (audited as ``review.view``)."""
        self._check()
        flag = self.cache.flags.get(flag_id)
        detail = self._reference(flag)
        self.cache.audit.record(
            "review.view", (flag.id,), note=detail.reference_state.value, actor=ACTOR
        )
        return detail.model_copy(
            update={
                "history": tuple(self.cache.flags.history(flag.id)),
                "patient_reference": self.references(flag.id),
            }
        )

    def _reference(self, flag: MismatchFlag) -> FlagDetail:
        return open_reference(flag, self._unsealer)

    # -- actions --------------------------------------------------------------
    def mark_reported(self, flag_id: str, *, reported_on: date, contact: str) -> MismatchFlag:
        """The wrong link was reported to the insurer on ``reported_on`` via ``contact``."""
        self._check()
        contact = contact.strip()
        if not contact:
            raise ReviewInputError(
                "say whom at the insurer it was reported to (the contact)", "contact_required"
            )
        if reported_on > self._now().astimezone(UTC).date():
            raise ReviewInputError("the report date cannot be in the future", "future_date")
        when = datetime.combine(reported_on, time(12, 0), tzinfo=UTC)
        return self.cache.flags.mark_reported(
            flag_id, insurer_contact=contact, reported_at=when, actor=ACTOR
        )

    def resolve(self, flag_id: str, *, note: str) -> MismatchFlag:
        """Close the flag; a note saying how it was settled is required."""
        self._check()
        note = note.strip()
        if not note:
            raise ReviewInputError("a note is required to resolve a flag", "note_required")
        return self.cache.flags.resolve(flag_id, note=note, actor=ACTOR)

    def reopen(self, flag_id: str, *, note: str = "") -> MismatchFlag:
        """Back to open; the earlier report and resolution stay in the flag's history."""
        self._check()
        return self.cache.flags.reopen(flag_id, note=note.strip(), actor=ACTOR)

    # -- export ---------------------------------------------------------------
    def export_csv(
        self,
        path: Path,
        *,
        statuses: Sequence[FlagStatus] = (FlagStatus.OPEN,),
        ids: Collection[str] | None = None,
        lang: Lang = "ja",
        overwrite: bool = False,
    ) -> int:
        """Write the flags in ``statuses`` (or exactly the flags ``ids``, as a screen shows
        them) as CSV (UTF-8 with BOM), the header in ``lang``; returns the row count.

        The file is written owner-only and atomically; an existing file is kept unless
        ``overwrite``. Audited as ``review.export`` with the count. Nothing is written when
        the report would leave out sealed references (``ReferencesUnreadable``).
        """
        self._check()
        target = check_target(Path(path).expanduser(), overwrite=overwrite)
        if ids is not None:
            chosen = set(ids)
            rows = [
                f for f in filter_and_sort(self.cache.flags.find(), FlagFilter()) if f.id in chosen
            ]
            status_note = "chosen"
        else:
            wanted = set(statuses)
            rows = [
                f
                for f in filter_and_sort(self.cache.flags.find(), FlagFilter())
                if f.status in wanted
            ]
            status_note = "+".join(sorted(s.value for s in wanted))
        rows.reverse()  # oldest first reads like a report
        refuse_to_drop_references(
            rows,
            has_key=self._unsealer is not None,
            key_problem=self.key_problem,
            key_path=self._key_path or key_file_path(),
        )
        lines = [csv_row(self._reference(f), self.references(f.id), lang) for f in rows]
        write_csv(target, csv_header(lang), lines)
        self.cache.audit.record(
            "review.export", note=f"rows={len(rows)} status={status_note}", actor=ACTOR
        )
        return len(rows)

    # -- life cycle -----------------------------------------------------------
    def close(self, reason: str = "close") -> None:
        """Forget the unsealing key; audited as ``review.close`` or ``review.lock``."""
        if self.closed:
            return
        self.closed = True
        self._unsealer = None
        action = "review.lock" if reason == "idle" else "review.close"
        with contextlib.suppress(ManagerError, Exception):
            self.cache.audit.record(action, note=reason, actor=ACTOR)

    def _check(self) -> None:
        if self.closed:
            raise ReviewInputError("the review is locked; type the manager PIN again", "locked")


class UnlockResult(BaseModel):
    """A PIN try's verdict and, when it was right, the open review."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    check: PinCheck
    session: ReviewSession | None = None


def unlock_review(
    cache: OfflineCache,
    settings: ManagerConfig,
    pin: str,
    *,
    key_path: Path | None = None,
    now: Clock = utc_now,
    purpose: str = "review",
) -> UnlockResult:
    """Check ``pin``; when right, open the review with the manager key unwrapped."""
    check = ManagerPin(cache, settings, now=now, actor=ACTOR).verify(pin, purpose=purpose)
    if not check.ok:
        return UnlockResult(check=check)
    unsealer: Unsealer | None = None
    problem: str | None = None
    try:
        unsealer = ManagerKeyFile.load(key_path).unlock(pin)
    except ManagerKeyMissing:
        problem = None  # nothing was ever sealed for a key that does not exist
    except ManagerError as exc:
        problem = str(exc)
    cache.audit.record(
        "review.open",
        note=f"key={'yes' if unsealer else 'problem' if problem else 'none'} via={purpose}",
        actor=ACTOR,
    )
    session = ReviewSession(cache, unsealer, key_problem=problem, key_path=key_path, now=now)
    return UnlockResult(check=check, session=session)
