"""Keep the gateway fixtures in step with the fixture PKI and the card profiles.

The gateway never generates keys at start-up (that costs about half a second a
card); instead the certificate fingerprints, the trust anchor and the
revocation list are written into ``fixtures/gateway`` by this module:

    python -m clinic_desk.gateway.fixture_pki
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from clinic_desk.gateway.dataset import DatasetFile, default_dataset_path, read_dataset_file
from clinic_desk.paths import fixtures_dir
from reader.virtual_card.pki import card_credentials, fixture_ca, revocation_list
from reader.virtual_card.profile import CardProfile

CRL_THIS_UPDATE = date(2026, 1, 5)


def card_profile(profile_id: str) -> CardProfile:
    return CardProfile.load(fixtures_dir() / "cards" / f"{profile_id}.json")


def certificate_der(profile: CardProfile) -> bytes:
    creds = card_credentials(
        profile.seed, profile.certificate_not_before, profile.certificate_not_after
    )
    return creds.certificate_der


def certificate_sha256(profile: CardProfile) -> str:
    """How the gateway and the desk key a card: SHA-256 of the auth certificate DER."""
    return hashlib.sha256(certificate_der(profile)).hexdigest()


def expected_files(data: DatasetFile) -> dict[str, bytes]:
    """The bytes each fixture file must hold: dataset.json, trust anchor, revocation list."""
    links = []
    for link in data.links:
        profile = card_profile(link.card_profile)
        links.append(link.model_copy(update={"certificate_sha256": certificate_sha256(profile)}))
    refreshed = data.model_copy(update={"links": links})
    revoked = []
    for profile_id in data.revoked_cards:
        profile = card_profile(profile_id)
        revoked.append(
            card_credentials(
                profile.seed, profile.certificate_not_before, profile.certificate_not_after
            ).certificate.serial_number
        )
    crl = revocation_list(sorted(revoked), CRL_THIS_UPDATE)
    dataset_text = json.dumps(
        refreshed.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False, indent=2
    )
    return {
        "dataset.json": (dataset_text + "\n").encode("utf-8"),
        data.trust_anchor: fixture_ca().certificate.public_bytes(Encoding.PEM),
        data.revocation_list: crl.public_bytes(Encoding.PEM),
    }


def refresh(dataset_path: Path | None = None) -> list[str]:
    """Rewrite the files that differ; returns their names."""
    path = dataset_path or default_dataset_path()
    changed = []
    for name, content in expected_files(read_dataset_file(path)).items():
        target = path.parent / name
        if not target.exists() or target.read_bytes() != content:
            target.write_bytes(content)
            changed.append(name)
    return changed


if __name__ == "__main__":  # pragma: no cover
    names = refresh()
    print("updated: " + (", ".join(names) if names else "nothing"))
    sys.exit(0)
