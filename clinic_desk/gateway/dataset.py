"""The embedded gateway's dataset: patients, card links, trust anchor, revocation list.

``fixtures/gateway/dataset.json`` holds the records; the trust anchor and the
revocation list are PEM files next to it. Links are keyed by the SHA-256 of
the card's user-authentication certificate (DER), as the desk keys cards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from pydantic import BaseModel, ConfigDict, Field

from clinic_desk.domain.coverage import Coverage
from clinic_desk.domain.medication import MedicationDispense
from clinic_desk.domain.patient import PatientRecord
from clinic_desk.gateway.faults import Fault
from clinic_desk.jsonfiles import load_json_model
from clinic_desk.paths import fixtures_dir


class DatasetError(Exception):
    """The dataset cannot be used; the message says which file and why."""


class PatientEntry(BaseModel):
    """One Patient with everything the gateway answers about them."""

    model_config = ConfigDict(extra="forbid")

    record: PatientRecord
    coverages: list[Coverage] = Field(default_factory=list)
    medications: list[MedicationDispense] = Field(default_factory=list)
    faults: list[Fault] = Field(default_factory=list, description="faults for this Patient only")
    note: str = ""


class CardLink(BaseModel):
    """The linkage table row: certificate → Patient (where real-world mislinks live)."""

    model_config = ConfigDict(extra="forbid")

    card_profile: str = Field(description="fixtures/cards/<profile>.json the certificate is from")
    certificate_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    patient_id: str
    note: str = ""


class DatasetFile(BaseModel):
    """The JSON file's shape."""

    model_config = ConfigDict(extra="forbid")

    patients: list[PatientEntry]
    links: list[CardLink]
    revoked_cards: list[str] = Field(
        default_factory=list, description="profiles whose certificate the revocation list names"
    )
    trust_anchor: str = "trust-anchor.pem"
    revocation_list: str = "revocation-list.pem"


@dataclass(frozen=True)
class Dataset:
    """The loaded dataset, checked and indexed."""

    patients: dict[str, PatientEntry]
    links: dict[str, str]  # certificate SHA-256 → Patient id
    trust_anchor: x509.Certificate
    revoked_serials: frozenset[int] = field(default_factory=frozenset)
    # certificate SHA-256 of the revoked cards that have a link (re-verification has no
    # certificate to look up in the revocation list, only its hash)
    revoked_fingerprints: frozenset[str] = field(default_factory=frozenset)

    def patient(self, patient_id: str) -> PatientEntry | None:
        return self.patients.get(patient_id)


def default_dataset_path() -> Path:
    return fixtures_dir() / "gateway" / "dataset.json"


def read_dataset_file(path: Path) -> DatasetFile:
    """Parse the dataset JSON (no PKI checks)."""
    return load_json_model(path, DatasetFile, "gateway dataset", DatasetError)


def load_dataset(path: Path | None = None) -> Dataset:
    """Load and check a dataset; raises DatasetError with a plain message."""
    path = path or default_dataset_path()
    data = read_dataset_file(path)
    patients: dict[str, PatientEntry] = {}
    for entry in data.patients:
        if entry.record.id in patients:
            raise DatasetError(f"The gateway dataset {path} has Patient {entry.record.id} twice.")
        patients[entry.record.id] = entry
    links: dict[str, str] = {}
    for link in data.links:
        if link.patient_id not in patients:
            raise DatasetError(
                f"The gateway dataset {path} links card {link.card_profile} "
                f"to Patient {link.patient_id}, which it does not have."
            )
        links[link.certificate_sha256] = link.patient_id
    anchor_path = path.parent / data.trust_anchor
    try:
        anchor = x509.load_pem_x509_certificate(anchor_path.read_bytes())
    except (OSError, ValueError) as exc:
        raise DatasetError(f"The trust anchor {anchor_path} cannot be read: {exc}.") from None
    crl_path = path.parent / data.revocation_list
    try:
        crl = x509.load_pem_x509_crl(crl_path.read_bytes())
    except (OSError, ValueError) as exc:
        raise DatasetError(f"The revocation list {crl_path} cannot be read: {exc}.") from None
    if crl.issuer != anchor.subject or not crl.is_signature_valid(anchor.public_key()):  # type: ignore[arg-type]
        raise DatasetError(f"The revocation list {crl_path} is not signed by the trust anchor.")
    return Dataset(
        patients=patients,
        links=links,
        trust_anchor=anchor,
        revoked_serials=frozenset(r.serial_number for r in crl),
        revoked_fingerprints=frozenset(
            link.certificate_sha256
            for link in data.links
            if link.card_profile in data.revoked_cards
        ),
    )
