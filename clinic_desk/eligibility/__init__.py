"""The desk's client for its eligibility gateway (FHIR R4 over HTTPS, card-bound tokens)."""

from clinic_desk.eligibility.budget import Budget
from clinic_desk.eligibility.card_signer import MyNumberCardSigner
from clinic_desk.eligibility.client import EligibilityClient, GatewayProbe
from clinic_desk.eligibility.connection import GatewaySettingsError
from clinic_desk.eligibility.errors import (
    EligibilityPending,
    GatewayError,
    GatewayProtocolError,
    GatewayRejected,
    GatewayUnavailable,
)
from clinic_desk.eligibility.session import CardSession, Resigner
from clinic_desk.eligibility.settings import GatewaySettings
from clinic_desk.eligibility.signer import CardSigner

__all__ = [
    "Budget",
    "CardSession",
    "CardSigner",
    "EligibilityClient",
    "EligibilityPending",
    "GatewayError",
    "GatewayProbe",
    "GatewayProtocolError",
    "GatewayRejected",
    "GatewaySettings",
    "GatewaySettingsError",
    "GatewayUnavailable",
    "MyNumberCardSigner",
    "Resigner",
]
