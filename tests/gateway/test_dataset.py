"""The shipped gateway dataset: in step with the fixture PKI, covering every card profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clinic_desk.gateway.dataset import (
    Dataset,
    DatasetError,
    default_dataset_path,
    load_dataset,
    read_dataset_file,
)
from clinic_desk.gateway.fixture_pki import (
    card_profile,
    certificate_sha256,
    expected_files,
)
from clinic_desk.paths import fixtures_dir
from reader.virtual_card.pki import card_credentials


def test_fixture_files_match_the_fixture_pki() -> None:
    path = default_dataset_path()
    for name, content in expected_files(read_dataset_file(path)).items():
        assert (path.parent / name).read_bytes() == content, (
            f"{name} is stale: run python -m clinic_desk.gateway.fixture_pki"
        )


def test_every_card_profile_is_linked(dataset: Dataset) -> None:
    profiles = sorted(p.stem for p in (fixtures_dir() / "cards").glob("*.json"))
    linked = {}
    for profile_id in profiles:
        fingerprint = certificate_sha256(card_profile(profile_id))
        assert fingerprint in dataset.links, f"{profile_id} has no link"
        linked[profile_id] = dataset.links[fingerprint]
    assert linked["sato-ken"] == "p-suzuki-ichiro"  # the mislink
    ito = card_profile("ito-makoto")
    serial = card_credentials(
        ito.seed, ito.certificate_not_before, ito.certificate_not_after
    ).certificate.serial_number
    assert dataset.revoked_serials == {serial}


def _write(folder: Path, data: dict[str, object]) -> Path:
    source = default_dataset_path().parent
    for name in ("trust-anchor.pem", "revocation-list.pem"):
        (folder / name).write_bytes((source / name).read_bytes())
    path = folder / "dataset.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_broken_datasets_are_plain_errors(tmp_path: Path) -> None:
    good = json.loads(default_dataset_path().read_text(encoding="utf-8"))
    with pytest.raises(DatasetError, match="does not exist"):
        load_dataset(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(DatasetError, match="cannot be read"):
        load_dataset(tmp_path / "bad.json")
    dangling = {**good, "links": [{**good["links"][0], "patient_id": "p-nobody"}]}
    with pytest.raises(DatasetError, match="p-nobody"):
        load_dataset(_write(tmp_path, dangling))
    bad_copay = json.loads(json.dumps(good))
    bad_copay["patients"][0]["coverages"][0]["copay_ratio"] = 25
    with pytest.raises(DatasetError, match="not valid"):
        load_dataset(_write(tmp_path, bad_copay))
    path = _write(tmp_path, good)
    (tmp_path / "revocation-list.pem").write_bytes(b"not a crl")
    with pytest.raises(DatasetError, match="revocation list"):
        load_dataset(path)
