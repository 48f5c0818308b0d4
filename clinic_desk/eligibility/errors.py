"""Typed gateway errors. Each carries two plain texts: what the desk does now, and what
support should look at. Neither ever holds personal data (ids, codes, timings only)."""

from __future__ import annotations

from clinic_desk.domain.outcome import OutcomeReason

PAPER_PATH = (
    "Continue on paper: show the last confirmed eligibility if the desk has one, "
    "otherwise hand the patient the self-declaration form; the check is queued for later."
)


class GatewayError(Exception):
    """Base of every error the eligibility client raises."""

    def __init__(
        self,
        message: str,
        *,
        desk_action: str,
        support_hint: str,
        code: str,
        status: int | None = None,
        request_id: str | None = None,
        cause: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.cause = cause  # the technical cause in a few words (e.g. a TLS verify message)
        self.desk_action = desk_action
        self.support_hint = support_hint
        self.code = code
        self.status = status
        self.request_id = request_id


class GatewayUnavailable(GatewayError):
    """Refused, timed out, TLS failure, 5xx or the check-in's budget spent: use the cache."""


class GatewayProtocolError(GatewayError):
    """The gateway answered, but not in a form the desk can read (bad JSON, wrong shape,
    unknown codes, a body cut off or too large)."""


class GatewayRejected(GatewayError):
    """The gateway refused with an OperationOutcome (revoked certificate, replayed nonce…)."""

    def __init__(
        self,
        message: str,
        *,
        reason: str | None,
        outcome_text: str,
        desk_action: str,
        support_hint: str,
        status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(
            message,
            desk_action=desk_action,
            support_hint=support_hint,
            code=reason or "rejected",
            status=status,
            request_id=request_id,
        )
        self.reason = reason
        self.outcome_text = outcome_text


class EligibilityPending(GatewayError):
    """The national check was still processing when the budget ran out."""


_RETRY_CARD = "Ask the patient to place the card again and retry the check-in."
_CARD_UNUSABLE = (
    "This card cannot be used for online check-in today: check the patient in on paper "
    "(insurance card or self-declaration form)."
)

# reason → (desk action, what support looks at)
REJECTION_TEXTS: dict[str, tuple[str, str]] = {
    OutcomeReason.NONCE_UNKNOWN: (
        _RETRY_CARD,
        "The gateway did not know the challenge; "
        "check that the desk talks to one gateway instance.",
    ),
    OutcomeReason.NONCE_REPLAYED: (
        _RETRY_CARD,
        "A challenge was sent twice; look for a "
        "duplicated request or a replay between desk and gateway.",
    ),
    OutcomeReason.NONCE_EXPIRED: (
        _RETRY_CARD,
        "The challenge expired before the card signed "
        "it; check the card reader's speed and the desk's clock.",
    ),
    OutcomeReason.BAD_SIGNATURE: (
        _RETRY_CARD + " If it happens again, check in on paper.",
        "The card's signature did not verify; check the reader and the card's key.",
    ),
    OutcomeReason.CERTIFICATE_REVOKED: (
        "The card's certificate is revoked: check in on paper and ask the patient to renew "
        "the certificate at their municipal office.",
        "The gateway's revocation list names this card's certificate.",
    ),
    OutcomeReason.CERTIFICATE_EXPIRED: (
        _CARD_UNUSABLE + " Ask the patient to renew the certificate at their municipal office.",
        "The card's certificate expired more than three months ago, or is not valid yet "
        "(check the desk and gateway clocks).",
    ),
    OutcomeReason.ELIGIBILITY_ONLY: (
        "The card's certificate has expired: eligibility only, no medication history. Ask "
        "the patient to renew the certificate at their municipal office.",
        "The card's certificate expired less than three months ago; the gateway answers "
        "eligibility only.",
    ),
    OutcomeReason.CERTIFICATE_UNTRUSTED: (
        _CARD_UNUSABLE,
        "The certificate does not chain to the gateway's trust anchors.",
    ),
    OutcomeReason.CERTIFICATE_KEY_USAGE: (
        _CARD_UNUSABLE,
        "The certificate does not allow digital signatures (wrong certificate read from card?).",
    ),
    OutcomeReason.CERTIFICATE_INVALID: (
        _CARD_UNUSABLE,
        "The certificate sent by the desk could not be parsed by the gateway.",
    ),
    OutcomeReason.CERTIFICATE_UNLINKED: (
        "No insurance record is linked to this card: check the patient in on paper "
        "(insurance card or self-declaration form).",
        "The gateway's linkage table has no entry for this certificate.",
    ),
    OutcomeReason.TOKEN_EXPIRED: (_RETRY_CARD, "The bearer token expired twice in one call."),
    OutcomeReason.TOKEN_MISSING: (_RETRY_CARD, "The gateway did not receive the bearer token."),
    OutcomeReason.FORBIDDEN: (
        _RETRY_CARD,
        "The token did not cover the Patient asked about; the card link may have changed.",
    ),
}

DEFAULT_REJECTION = (
    PAPER_PATH,
    "The gateway refused the request; its OperationOutcome text is attached.",
)
