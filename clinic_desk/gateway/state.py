"""The gateway's moving parts: nonces, tokens, card verification, fault plans.

Everything here runs on the server's event loop thread; the clock is injected
so tests can expire nonces and tokens without sleeping.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from clinic_desk.domain.auth import CardAuthGrant, CardAuthRequest, ChallengeGrant
from clinic_desk.domain.certificate import CertificateState, certificate_status
from clinic_desk.domain.clock import Clock, utc_now
from clinic_desk.domain.coverage import Coverage
from clinic_desk.domain.number_lookup import NumberLookupRequest
from clinic_desk.domain.outcome import OutcomeReason
from clinic_desk.domain.visual_check import VisualAuthRequest
from clinic_desk.gateway.dataset import Dataset, PatientEntry
from clinic_desk.gateway.faults import Fault, FaultKind, FaultPlan, Route


class Refusal(Exception):
    """A request the gateway answers with an OperationOutcome (4xx)."""

    def __init__(self, status: int, reason: OutcomeReason, text: str, code: str) -> None:
        super().__init__(text)
        self.status = status
        self.reason = reason
        self.text = text
        self.code = code  # FHIR issue type


def _security(reason: OutcomeReason, text: str, status: int = 403) -> Refusal:
    return Refusal(status, reason, text, "security")


@dataclass
class _Nonce:
    expires_at: datetime
    used: bool = False


@dataclass(frozen=True)
class VisualCheck:
    """One visual check the gateway answered: which card, which staff, no card signature."""

    certificate_sha256: str
    staff_id: str
    at: datetime
    card_signature: bool = False


@dataclass(frozen=True)
class TokenGrant:
    patient_id: str
    expires_at: datetime
    eligibility_only: bool = False  # the certificate expired less than three months ago


class GatewayState:
    """What one running gateway remembers."""

    def __init__(
        self,
        dataset: Dataset,
        *,
        faults: FaultPlan | None = None,
        clock: Clock = utc_now,
        nonce_ttl: timedelta = timedelta(seconds=60),
        token_ttl: timedelta = timedelta(minutes=5),
        page_size: int = 10,
        processing_retry_after: float = 1.0,
    ) -> None:
        self.dataset = dataset
        self.faults = faults or FaultPlan()
        self.clock = clock
        self.nonce_ttl = nonce_ttl
        self.token_ttl = token_ttl
        self.page_size = page_size
        self.processing_retry_after = processing_retry_after
        self._nonces: dict[str, _Nonce] = {}
        self._tokens: dict[str, TokenGrant] = {}
        self._patient_faults = {
            pid: FaultPlan(entry.faults) for pid, entry in dataset.patients.items() if entry.faults
        }
        self.requests_served = 0
        self.visual_checks: list[VisualCheck] = []  # bounded: see authenticate_visual
        self.stopping = False  # set by the server before it shuts down

    # --- faults ----------------------------------------------------------------------
    def faults_for(self, route: Route, patient_id: str | None = None) -> list[Fault]:
        fired = self.faults.take(route)
        if patient_id is not None and patient_id in self._patient_faults:
            fired += self._patient_faults[patient_id].take(route)
        return fired

    def faults_pending(self, route: Route, patient_id: str) -> bool:
        """Whether a fault (the run's or the Patient's) would fire on ``route``."""
        plan = self._patient_faults.get(patient_id)
        return self.faults.pending(route) or (plan is not None and plan.pending(route))

    def patient_faults_for(self, route: Route, patient_id: str) -> list[Fault]:
        """The dataset's faults of one Patient that fire for this request."""
        plan = self._patient_faults.get(patient_id)
        return plan.take(route) if plan is not None else []

    # --- nonces ----------------------------------------------------------------------
    def issue_challenge(self) -> ChallengeGrant:
        now = self.clock()
        self._prune(now)
        nonce = secrets.token_urlsafe(32)
        expires = now + self.nonce_ttl
        self._nonces[nonce] = _Nonce(expires_at=expires)
        return ChallengeGrant(nonce=nonce, expires_at=expires)

    def _consume_nonce(self, nonce: str, now: datetime) -> None:
        record = self._nonces.get(nonce)
        if record is None:
            raise _security(OutcomeReason.NONCE_UNKNOWN, "The challenge is unknown to the gateway.")
        if record.used:
            raise _security(OutcomeReason.NONCE_REPLAYED, "The challenge was already used.")
        record.used = True  # single use, whether or not the rest succeeds
        if now >= record.expires_at:
            raise _security(
                OutcomeReason.NONCE_EXPIRED, "The challenge expired before it was used."
            )

    def _prune(self, now: datetime) -> None:
        # keep used nonces a while past expiry so a replay is named as one
        horizon = now - self.nonce_ttl
        for nonce in [n for n, r in self._nonces.items() if r.expires_at < horizon]:
            del self._nonces[nonce]
        for token in [t for t, g in self._tokens.items() if g.expires_at < now]:
            del self._tokens[token]

    # --- card authentication ---------------------------------------------------------
    def authenticate(
        self, request: CardAuthRequest, mislink_to: str | None = None
    ) -> CardAuthGrant:
        """Verify the card's proof of presence and issue a token for its linked Patient."""
        now = self.clock()
        self._consume_nonce(request.nonce, now)
        try:
            certificate = x509.load_der_x509_certificate(request.certificate_der)
        except ValueError:
            raise _security(
                OutcomeReason.CERTIFICATE_INVALID, "The card's certificate cannot be read.", 400
            ) from None
        eligibility_only = self._check_certificate(certificate, now)
        public_key = certificate.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise _security(OutcomeReason.CERTIFICATE_INVALID, "The card's key is not RSA.")
        try:
            public_key.verify(
                request.signature,
                request.nonce.encode("ascii"),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except InvalidSignature:
            raise _security(
                OutcomeReason.BAD_SIGNATURE, "The card's signature does not match the challenge."
            ) from None
        fingerprint = hashlib.sha256(request.certificate_der).hexdigest()
        return self._grant(fingerprint, certificate, eligibility_only, now, mislink_to)

    def _check_certificate(self, certificate: x509.Certificate, now: datetime) -> bool:
        """Refuse a certificate the card cannot be used with; True when it expired less
        than three months ago (eligibility only)."""
        anchor = self.dataset.trust_anchor
        try:
            certificate.verify_directly_issued_by(anchor)
        except (ValueError, TypeError, InvalidSignature):
            raise _security(
                OutcomeReason.CERTIFICATE_UNTRUSTED,
                "The card's certificate is not issued by a trusted authority.",
            ) from None
        if certificate.serial_number in self.dataset.revoked_serials:
            raise _security(
                OutcomeReason.CERTIFICATE_REVOKED, "The card's certificate has been revoked."
            )
        status = certificate_status(
            certificate.not_valid_before_utc,
            certificate.not_valid_after_utc,
            now.date(),
        )
        if not certificate.not_valid_before_utc <= now:
            raise _security(
                OutcomeReason.CERTIFICATE_EXPIRED, "The card's certificate is not valid yet."
            )
        if status.state is CertificateState.EXPIRED:
            raise _security(
                OutcomeReason.CERTIFICATE_EXPIRED,
                "The card's certificate expired more than three months ago.",
            )
        try:
            usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
            constraints = certificate.extensions.get_extension_for_class(
                x509.BasicConstraints
            ).value
        except x509.ExtensionNotFound:
            raise _security(
                OutcomeReason.CERTIFICATE_KEY_USAGE,
                "The card's certificate does not allow authentication.",
            ) from None
        if not usage.digital_signature or constraints.ca:
            raise _security(
                OutcomeReason.CERTIFICATE_KEY_USAGE,
                "The card's certificate does not allow authentication.",
            )
        return now > certificate.not_valid_after_utc

    def authenticate_visual(
        self, request: VisualAuthRequest, mislink_to: str | None = None
    ) -> CardAuthGrant:
        """A token for the card a receptionist checked by its photo (no card signature).

        The certificate is checked as for ``/auth/card`` (trust anchor, revocation,
        dates, key usage); only the signature is missing, and that is recorded.
        """
        now = self.clock()
        try:
            certificate = x509.load_der_x509_certificate(request.certificate_der)
        except ValueError:
            raise _security(
                OutcomeReason.CERTIFICATE_INVALID, "The card's certificate cannot be read.", 400
            ) from None
        eligibility_only = self._check_certificate(certificate, now)
        fingerprint = hashlib.sha256(request.certificate_der).hexdigest()
        grant = self._grant(fingerprint, certificate, eligibility_only, now, mislink_to)
        self.visual_checks = [
            *self.visual_checks[-999:],
            VisualCheck(certificate_sha256=fingerprint, staff_id=request.staff_id, at=now),
        ]
        return grant

    def _grant(
        self,
        fingerprint: str,
        certificate: x509.Certificate,
        eligibility_only: bool,
        now: datetime,
        mislink_to: str | None,
    ) -> CardAuthGrant:
        patient_id = mislink_to or self.dataset.links.get(fingerprint)
        if patient_id is None or patient_id not in self.dataset.patients:
            raise Refusal(
                404,
                OutcomeReason.CERTIFICATE_UNLINKED,
                "No record is linked to this card.",
                "not-found",
            )
        token = secrets.token_urlsafe(32)
        expires = now + self.token_ttl
        self._tokens[token] = TokenGrant(
            patient_id=patient_id, expires_at=expires, eligibility_only=eligibility_only
        )
        return CardAuthGrant(
            token=token,
            expires_at=expires,
            patient_id=patient_id,
            certificate_not_after=certificate.not_valid_after_utc,
            eligibility_only=eligibility_only,
            checked_at=now,
        )

    # --- re-verification (desk to gateway, no card) ----------------------------------
    def reverify(self, certificate_sha256: str, mislink_to: str | None = None) -> PatientEntry:
        """The Patient a card is linked to today, for a desk re-checking an offline visit.

        The caller is the desk (its own credential, not the card's), so only the
        link and the revocation the gateway knows by the certificate's hash apply.
        """
        if certificate_sha256 in self.dataset.revoked_fingerprints:
            raise _security(
                OutcomeReason.CERTIFICATE_REVOKED, "The card's certificate has been revoked."
            )
        patient_id = mislink_to or self.dataset.links.get(certificate_sha256)
        entry = self.dataset.patient(patient_id) if patient_id is not None else None
        if entry is None:
            raise Refusal(
                404,
                OutcomeReason.CERTIFICATE_UNLINKED,
                "No record is linked to this card.",
                "not-found",
            )
        return entry

    # --- lookup by number (desk to gateway, no card) ---------------------------------
    def lookup_by_number(
        self, asked: NumberLookupRequest, mislink_to: str | None = None
    ) -> tuple[PatientEntry, list[Coverage]] | None:
        """The Patient and qualifications behind the numbers and birthdate (None:
        該当資格なし). ``mislink_to`` answers another Patient, as a wrong registration
        at the insurer would."""
        if mislink_to is not None:
            entry = self.dataset.patient(mislink_to)
            return (entry, list(entry.coverages)) if entry is not None else None
        for entry in self.dataset.patients.values():
            if entry.record.birthdate != asked.birthdate:
                continue
            found = [
                c
                for c in entry.coverages
                if asked.numbers.matches(c.insurer_number, c.symbol, c.number, c.branch)
            ]
            if found:
                return entry, found
        return None

    # --- tokens ----------------------------------------------------------------------
    def patient_for_token(
        self, authorization: str | None, *, clinical: bool = False
    ) -> PatientEntry:
        """The Patient a bearer token was issued for (401 when missing or expired).

        ``clinical``: the read is clinical data (medications), which an eligibility-only
        token (certificate expired less than three months ago) does not cover (403).
        """
        if not authorization or not authorization.startswith("Bearer "):
            raise Refusal(401, OutcomeReason.TOKEN_MISSING, "A bearer token is required.", "login")
        grant = self._tokens.get(authorization[len("Bearer ") :].strip())
        if grant is None or self.clock() >= grant.expires_at:
            raise Refusal(
                401, OutcomeReason.TOKEN_EXPIRED, "The token is unknown or expired.", "expired"
            )
        if clinical and grant.eligibility_only:
            raise _security(
                OutcomeReason.ELIGIBILITY_ONLY,
                "The card's certificate has expired: eligibility only, no clinical data.",
            )
        entry = self.dataset.patient(grant.patient_id)
        if entry is None:  # the dataset is fixed for the server's life; defensive only
            raise Refusal(404, OutcomeReason.NOT_FOUND, "The Patient is unknown.", "not-found")
        return entry

    def expire_tokens(self) -> None:
        """Forget every token (as a gateway restart would)."""
        self._tokens.clear()


def mislink_target(faults: list[Fault]) -> str | None:
    for fault in faults:
        if fault.kind is FaultKind.MISLINK:
            return fault.patient_id
    return None
