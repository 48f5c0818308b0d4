"""The linked Patient and its Coverage in the card-auth answer (one round trip).

A desk that asks for them (``include`` = ``Patient`` and ``Coverage`` in
``POST /auth/card``) gets them with the token, as ``GET /fhir/Patient/{id}`` and
``GET /fhir/Coverage`` would answer them. The gateway leaves them out whenever
those reads would answer otherwise: a fault of the run or of the Patient would
fire on either route (down, slow, 500, garbage, 202 "still processing", an
expired token, …). The desk then sends the two reads, which meet the fault as
before. The reads' routes stay as they were.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from clinic_desk.domain.auth import CardAuthGrant
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.gateway.dataset import PatientEntry
from clinic_desk.gateway.faults import Route
from clinic_desk.gateway.state import GatewayState


def coverage_bundle(state: GatewayState, entry: PatientEntry, base: str) -> dict[str, Any]:
    """The Patient's Coverage search as a ``searchset`` Bundle (``base``: the FHIR base)."""
    record = EligibilityRecord.from_coverages(
        entry.record.id, tuple(entry.coverages), state.clock()
    )
    return record.to_fhir_bundle(
        base, f"{base}/Coverage?beneficiary=Patient/{quote(entry.record.id)}"
    )


def with_record(state: GatewayState, grant: CardAuthGrant, base: str) -> CardAuthGrant:
    """``grant`` with the linked Patient and its Coverage, unless a read would differ."""
    entry = state.dataset.patient(grant.patient_id)
    if entry is None or any(
        state.faults_pending(route, grant.patient_id) for route in (Route.PATIENT, Route.COVERAGE)
    ):
        return grant
    return grant.model_copy(
        update={
            "patient_resource": entry.record.to_fhir(),
            "coverage_bundle": coverage_bundle(state, entry, base),
        }
    )
