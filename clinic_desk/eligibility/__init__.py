"""The desk's client for its eligibility gateway (FHIR R4 over HTTPS, card-bound tokens)."""

from clinic_desk.eligibility.card_signer import MyNumberCardSigner
from clinic_desk.eligibility.client import (
    Budget,
    CardSession,
    EligibilityClient,
    GatewaySettingsError,
)
from clinic_desk.eligibility.errors import (
    EligibilityPending,
    GatewayError,
    GatewayProtocolError,
    GatewayRejected,
    GatewayUnavailable,
)
from clinic_desk.eligibility.settings import GatewaySettings
from clinic_desk.eligibility.signer import CardSigner

__all__ = [
    "Budget",
    "CardSession",
    "CardSigner",
    "EligibilityClient",
    "EligibilityPending",
    "GatewayError",
    "GatewayProtocolError",
    "GatewayRejected",
    "GatewaySettings",
    "GatewaySettingsError",
    "GatewayUnavailable",
    "MyNumberCardSigner",
]
