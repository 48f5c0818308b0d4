"""The fetched record while the identity gate and the patient decide about it.

The machine keeps everything of a fetched record in one ``HeldRecord`` and in no
other attribute, so that forgetting a record is dropping one reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pydantic import SecretStr

from clinic_desk.checkin.events import RecordIdentity
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.domain.medication import MedicationHistory
from clinic_desk.identity import Verdict


@dataclass(slots=True)
class HeldRecord:
    """One fetched (or cached) record and the gate's verdict on it; never shown as such."""

    identity: RecordIdentity
    eligibility: EligibilityRecord
    verdict: Verdict
    medications: MedicationHistory | None = None
    # from the cache: when it was confirmed online
    offline_confirmed_at: datetime | None = None
    # the gateway's reference of the linked record and the insurer reference, kept only
    # to be handed to the manager's flag if the record is withheld
    linked_record_ref: str = ""
    insurer_reference: SecretStr = field(default_factory=lambda: SecretStr(""))
    # the approved alias that covers a variant verdict (no staff decision needed)
    alias_id: str | None = None

    def __repr__(self) -> str:  # never a record's contents in a traceback or a log
        return f"HeldRecord(verdict={self.verdict.outcome.value})"

    __str__ = __repr__
