"""Demo cards for what the result side shows: an expired certificate, and a patient
whose share is changed by a 限度額適用 category and a 公費.

The expired card is made for today: its certificate expired two months ago, so the
demo always shows the eligibility-only answer (no medications, the patient told to
renew) whatever day it runs. The second patient combines the ceiling (with consent)
of one support patient and the public expense of another. Both cards use keys that
ship with the card fixtures, so nothing is derived when the demo starts.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from clinic_desk import paths
from clinic_desk.domain.certificate import add_months
from clinic_desk.gateway.dataset import Dataset, load_dataset
from reader.virtual_card.keys import KeyStore
from reader.virtual_card.pki import card_credentials
from reader.virtual_card.profile import CardProfile

EXPIRED_CARD = "expired-certificate"
CEILING_AND_PUBLIC = "ceiling-and-public-expense"
COUNTER_DEMO_CARDS = (EXPIRED_CARD, CEILING_AND_PUBLIC)

_COUNTER_DATASET = "datasets/patients-at-the-counter.json"


def counter_profiles(today: date) -> dict[str, CardProfile]:
    """The two cards, as of ``today``."""
    cards = paths.fixtures_dir() / "cards"
    yamada = CardProfile.load(cards / "yamada-taro.json")
    fujita = CardProfile.load(cards / "support" / "fujita-yoko.json")
    expired = yamada.model_copy(
        update={
            "profile_id": EXPIRED_CARD,
            "certificate_not_before": add_months(today, -62),
            "certificate_not_after": add_months(today, -2),
        }
    )
    return {
        EXPIRED_CARD: expired,
        CEILING_AND_PUBLIC: fujita.model_copy(update={"profile_id": CEILING_AND_PUBLIC}),
    }


def _fingerprint(profile: CardProfile, keys: KeyStore) -> str:
    import hashlib

    creds = card_credentials(
        profile.seed, profile.certificate_not_before, profile.certificate_not_after, keys
    )
    return hashlib.sha256(creds.certificate_der).hexdigest()


def counter_dataset(profiles: dict[str, CardProfile], keys: KeyStore) -> Dataset:
    """The shipped dataset, with the two cards linked: the expired one to 山田 太郎, the
    other to 藤田 陽子, whose coverage gains 井上 美香's public expense."""
    base = load_dataset()
    counter = load_dataset(paths.fixtures_dir() / _COUNTER_DATASET)
    fujita = counter.patients["p-fujita-yoko"]
    expense = counter.patients["p-inoue-mika"].coverages[0].cost_share.public_expenses
    coverages = [
        c.model_copy(
            update={"cost_share": c.cost_share.model_copy(update={"public_expenses": expense})}
        )
        for c in fujita.coverages
    ]
    patients = {
        **base.patients,
        "p-fujita-yoko": fujita.model_copy(update={"coverages": coverages}),
    }
    links = {
        **base.links,
        _fingerprint(profiles[EXPIRED_CARD], keys): "p-yamada-taro",
        _fingerprint(profiles[CEILING_AND_PUBLIC], keys): "p-fujita-yoko",
    }
    return dataclasses.replace(base, patients=patients, links=links)
