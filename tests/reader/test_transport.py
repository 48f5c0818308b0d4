"""Choosing a reader and turning PC/SC failures into typed errors."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from reader.errors import (
    AmbiguousReader,
    CardCommunicationError,
    CardRemoved,
    NoCard,
    NoReader,
    ReaderBusy,
    ReaderUnplugged,
    ServiceNotRunning,
)
from reader.transport import choose_reader, is_virtual_reader, pcsc_error

READERS = ["SONY FeliCa Port/PaSoRi 4.0 00 00", "Virtual PCD 00 00", "Virtual PCD 00 01"]


def test_exact_name_wins() -> None:
    assert choose_reader(READERS, "Virtual PCD 00 01") == "Virtual PCD 00 01"


def test_substring_and_glob() -> None:
    assert choose_reader(READERS, "pasori") == READERS[0]
    assert choose_reader(READERS, "virtual pcd * 01") == "Virtual PCD 00 01"


def test_never_the_first_of_several() -> None:
    with pytest.raises(AmbiguousReader) as caught:
        choose_reader(READERS, "Virtual PCD")
    assert caught.value.matches == ("Virtual PCD 00 00", "Virtual PCD 00 01")
    assert "Configure which one" in caught.value.message
    with pytest.raises(AmbiguousReader):
        choose_reader(READERS, None)
    assert choose_reader(READERS[:1], None) == READERS[0]


def test_no_reader() -> None:
    with pytest.raises(NoReader) as caught:
        choose_reader(READERS, "ACR122")
    assert "ACR122" in caught.value.message and "PaSoRi" in caught.value.message
    with pytest.raises(NoReader):
        choose_reader([], None)


def test_virtual_readers_are_recognised() -> None:
    assert is_virtual_reader("Virtual PCD 00 00")
    assert not is_virtual_reader(READERS[0])


@pytest.mark.parametrize(
    ("code", "during", "expected"),
    [
        (0x8010001D, False, ServiceNotRunning),
        (0x8010001E, True, ServiceNotRunning),
        (0x8010002E, False, NoReader),
        (0x80100009, False, ReaderUnplugged),
        (0x80100017, True, ReaderUnplugged),
        (0x8010000C, False, NoCard),
        (0x80100069, True, CardRemoved),
        (0x80100067, False, NoCard),
        (0x80100067, True, CardRemoved),
        (0x8010000B, False, ReaderBusy),
        (0x80100016, True, CardRemoved),
        (0x80100068, True, CardCommunicationError),
        (0x80100014, True, CardCommunicationError),
    ],
)
def test_pcsc_codes_become_typed_errors(code: int, during: bool, expected: type) -> None:
    # pyscard hands some codes back as negative 32-bit integers
    for value in (code, code - (1 << 32)):
        error = pcsc_error(value, "Reader X", during_exchange=during)
        assert type(error) is expected
        assert error.message


def test_service_not_running_through_real_libpcsclite() -> None:
    """libpcsclite pointed at a socket where no pcscd listens (the shared one keeps running)."""
    code = (
        "from reader.transport import list_readers\n"
        "from reader.errors import ServiceNotRunning\n"
        "try:\n"
        "    list_readers()\n"
        "except ServiceNotRunning as exc:\n"
        "    print('typed:', exc.message)\n"
    )
    env = {**os.environ, "PCSCLITE_CSOCK_NAME": "/nonexistent/pcscd.comm"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "typed: The smart-card service is not running" in done.stdout
