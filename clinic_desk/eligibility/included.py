"""The Patient and Coverage a gateway sends with the token (``POST /auth/card`` asked
for them with ``include``): read exactly as the answers of the two reads would be.

They save the round trip of ``GET /fhir/Patient`` and ``GET /fhir/Coverage`` after
the card's signature. A Coverage Bundle with a next page is not read here: the
Coverage search is then sent as before and pages as usual.
"""

from __future__ import annotations

import httpx

from clinic_desk.domain.bundle import next_link
from clinic_desk.domain.clock import utc_now
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.domain.fhir import FhirFormatError
from clinic_desk.domain.patient import PatientRecord
from clinic_desk.eligibility.replies import Reply, parse, wrong_shape
from clinic_desk.eligibility.session import CardSession


def take_included(session: CardSession) -> tuple[PatientRecord, EligibilityRecord] | None:
    """The included record, once; None when there is none (or its Coverage pages on)."""
    included, session.included = session.included, None
    if included is None:
        return None
    request_id, patient_payload, coverage_payload = included
    patient_reply = Reply(200, patient_payload, httpx.Headers(), request_id)
    coverage_reply = Reply(200, coverage_payload, httpx.Headers(), request_id)
    try:
        if next_link(coverage_payload) is not None:
            return None
    except FhirFormatError:
        pass  # read below, and refused with the Coverage route's words
    patient = parse(patient_reply, "patient", PatientRecord.from_fhir)
    if patient.id != session.patient_id:
        raise wrong_shape(
            "The gateway answered with another Patient than the one asked for.",
            "patient",
            patient_reply,
        )
    checked_at = utc_now()
    eligibility = parse(
        coverage_reply,
        "coverage",
        lambda p: EligibilityRecord.from_fhir_bundle(p, session.patient_id, checked_at),
    )
    return patient, eligibility
