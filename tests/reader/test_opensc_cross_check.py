"""Cross-check against software nobody here wrote: OpenSC's jpki driver must recognise
the virtual card on the Virtual PCD reader, list its certificates, and sign with it."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from reader.virtual_card import VirtualCard, VpcdCardServer
from tests.reader.conftest import VPCD_READER, make_card

pytestmark = pytest.mark.pcscd


def opensc(tool: str, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which(tool)
    assert binary, f"{tool} is missing: install the Debian package opensc"
    env = {**os.environ, "OPENSC_DRIVER": "jpki", "HOME": str(home)}
    return subprocess.run(
        [binary, "--reader", VPCD_READER, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_opensc_jpki_driver_reads_and_signs_with_the_virtual_card(
    vpcd_card: Callable[[VirtualCard], VpcdCardServer], tmp_path: Path
) -> None:
    card = make_card()
    vpcd_card(card)
    certificate = card.credentials.certificate

    listing = opensc("pkcs15-tool", "--list-certificates", home=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert "X.509 Certificate [User Authentication Certificate]" in listing.stdout
    assert "Path           : 000a" in listing.stdout
    serial = f"{certificate.serial_number:X}"
    assert serial in listing.stdout.replace(" ", "").upper()

    pins = opensc("pkcs15-tool", "--list-pins", home=tmp_path)
    assert pins.returncode == 0, pins.stderr
    assert "User Authentication PIN" in pins.stdout
    assert "Tries left     : 3" in pins.stdout

    pem = opensc("pkcs15-tool", "--read-certificate", "01", home=tmp_path)
    assert pem.returncode == 0, pem.stderr
    assert x509.load_pem_x509_certificate(pem.stdout.encode()) == certificate

    digest = tmp_path / "digest"
    digest.write_bytes(hashlib.sha256(b"signed through OpenSC").digest())
    out = tmp_path / "signature"
    signed = opensc(
        "pkcs15-crypt",
        "--sign",
        "--key",
        "01",
        "--pkcs1",
        "--sha-256",
        "--input",
        str(digest),
        "--output",
        str(out),
        "--pin",
        card.profile.pins.auth_pin,
        home=tmp_path,
    )
    assert signed.returncode == 0, signed.stderr
    public_key = certificate.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    public_key.verify(
        out.read_bytes(), b"signed through OpenSC", padding.PKCS1v15(), hashes.SHA256()
    )
