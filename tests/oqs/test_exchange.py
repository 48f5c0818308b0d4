"""Round trips through real folders with the simulated terminal in another process."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import date, datetime, tzinfo
from pathlib import Path

import pytest

from clinic_desk.domain.coverage import ValidityState
from clinic_desk.gateway.dataset import Dataset, load_dataset
from clinic_desk.oqs import (
    OqsClient,
    OqsFormatError,
    OqsMismatchError,
    OqsTerminalError,
    OqsTimeout,
    exchange,
)
from clinic_desk.oqs.fields import Exchange
from clinic_desk.oqs.journal import Entry, Journal
from tests.oqs.conftest import Terminal, make_settings

YAMADA = ("01130012", "1234", "567", "00", date(1980, 4, 1))
WATANABE = ("138149", "横浜中", "4501", "00", date(1968, 2, 29))


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset()


def journal_states(client: OqsClient) -> list[str]:
    path = client.settings.journal_file()
    return [json.loads(line)["state"] for line in path.read_text().splitlines()]


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for d in ("req", "res") for p in (root / d).iterdir())


async def test_every_patient_of_the_dataset_round_trips(
    root: Path, client: OqsClient, terminal: Callable[..., Terminal], dataset: Dataset
) -> None:
    terminal()
    for entry in dataset.patients.values():
        for coverage in entry.coverages:
            found = await client.lookup_by_number(
                coverage.insurer_number,
                coverage.symbol,
                coverage.number,
                coverage.branch,
                entry.record.birthdate,
            )
            assert found.patient is not None
            assert found.patient.name == entry.record.name
            assert found.patient.kana_name == entry.record.kana_name
            assert found.eligibility.state is coverage.validity
            mapped = found.eligibility.coverages[0]
            assert (mapped.insurer_number, mapped.symbol, mapped.number, mapped.branch) == (
                coverage.insurer_number,
                coverage.symbol,
                coverage.number,
                coverage.branch,
            )
            assert mapped.copay_ratio == coverage.copay_ratio
    assert leftovers(root) == []
    coverages = sum(len(e.coverages) for e in dataset.patients.values())
    assert journal_states(client).count("answered") == coverages


async def test_shift_jis_requests_with_zero_padding(
    root: Path, terminal: Callable[..., Terminal]
) -> None:
    terminal(encoding="shift_jis")
    client = OqsClient(make_settings(root, encoding="shift_jis", insurer_padding="zero"))
    found = await client.lookup_by_number(*WATANABE)
    assert found.patient is not None and found.patient.name == "渡●　花子"
    assert found.eligibility.coverages[0].insurer_number == "138149"


async def test_not_found_and_medications(
    client: OqsClient, terminal: Callable[..., Terminal], dataset: Dataset
) -> None:
    terminal()
    missing = await client.lookup_by_number("01130012", "1234", "568", "00", date(1980, 4, 1))
    assert missing.eligibility.state is ValidityState.NOT_FOUND and missing.patient is None
    answer = await client.medications(*YAMADA[:4])
    assert answer.person.name == "山田　太郎"
    assert answer.history is not None
    expected = dataset.patients["p-yamada-taro"].medications
    assert {d.drug_name for d in answer.history.dispenses} == {m.drug_name for m in expected}
    assert len(answer.history.dispenses) == len(expected)
    with pytest.raises(OqsTerminalError) as caught:
        await client.medications("01130012", "1234", "999", "00")
    assert caught.value.code == "no-medications"


async def test_slow_and_partial_and_processing_answers_arrive(
    root: Path, client: OqsClient, terminal: Callable[..., Terminal]
) -> None:
    # partial:0.3 pauses longer than two polls: the half file is read, fails, and the
    # desk waits for the writer (another process) to finish it
    terminal("slow:0.3*1", "partial:0.3*1", "processing:0.3*1")
    found = await client.lookup_by_number(*YAMADA)
    assert found.patient is not None and found.patient.name == "山田　太郎"
    assert leftovers(root) == []


async def test_processing_past_the_deadline_is_a_timeout_that_says_so(
    root: Path, client: OqsClient, terminal: Callable[..., Terminal]
) -> None:
    terminal("processing:30*1")
    with pytest.raises(OqsTimeout) as caught:
        await client.lookup_by_number(*YAMADA, deadline=client.deadline(1.0))
    assert caught.value.processing and not caught.value.withdrawn
    assert caught.value.code == "processing"


async def test_a_late_answer_is_recorded_and_archived_unread(
    root: Path, client: OqsClient, terminal: Callable[..., Terminal]
) -> None:
    terminal("slow:1.0*1")
    with pytest.raises(OqsTimeout) as caught:
        await client.lookup_by_number(*YAMADA, deadline=client.deadline(0.3))
    late_id = caught.value.file_id
    assert late_id is not None
    assert journal_states(client)[-1] == "abandoned"
    response = root / "res" / f"OQSsiquc01res_{late_id}.xml"
    for _ in range(500):  # the terminal writes it about a second later
        if response.exists():
            break
        await asyncio.sleep(0.01)
    found = await client.lookup_by_number(*YAMADA)  # sweeps the late answer first
    assert found.file_id != late_id
    assert not response.exists()
    assert "late-archived" in journal_states(client)
    archived = list(client.settings.archive_folder().rglob(f"*{late_id}*"))
    assert sorted(p.parent.name for p in archived) == ["late", "sent"]


async def test_no_terminal_the_request_is_taken_back(root: Path, client: OqsClient) -> None:
    with pytest.raises(OqsTimeout) as caught:
        await client.lookup_by_number(*YAMADA, deadline=client.deadline(0.2))
    assert caught.value.withdrawn
    assert leftovers(root) == []
    assert journal_states(client) == ["sent", "withdrawn"]


async def test_never_answers(
    root: Path, client: OqsClient, terminal: Callable[..., Terminal]
) -> None:
    terminal("never")
    with pytest.raises(OqsTimeout) as caught:
        await client.lookup_by_number(*YAMADA, deadline=client.deadline(0.5))
    assert not caught.value.withdrawn  # the terminal took it
    assert journal_states(client) == ["sent", "abandoned"]


async def test_an_err_file_is_the_terminals_refusal(
    root: Path, client: OqsClient, terminal: Callable[..., Terminal]
) -> None:
    terminal("err")
    with pytest.raises(OqsTerminalError) as caught:
        await client.lookup_by_number(*YAMADA)
    assert caught.value.code == "terminal-error"
    assert caught.value.terminal_message is not None
    assert "E0001" in caught.value.terminal_message
    assert leftovers(root) == []
    assert journal_states(client)[-1] == "failed"


async def test_shift_jis_answers(client: OqsClient, terminal: Callable[..., Terminal]) -> None:
    terminal("shift-jis")
    found = await client.lookup_by_number(*WATANABE)
    assert found.patient is not None and found.patient.name == "渡●　花子"
    assert found.response.header.character_code is not None
    assert found.response.header.character_code.label == "Shift_JIS"


@pytest.mark.parametrize("fault", ["malformed", "entity-bomb"])
async def test_unreadable_answers_are_one_error_and_kept_aside(
    root: Path, client: OqsClient, terminal: Callable[..., Terminal], fault: str
) -> None:
    terminal(fault)
    with pytest.raises(OqsFormatError) as caught:
        await client.lookup_by_number(*YAMADA)
    assert caught.value.file_id is not None
    assert leftovers(root) == []
    archived = list(client.settings.archive_folder().rglob("*.xml"))
    assert sorted(p.parent.name for p in archived) == ["sent", "unreadable"]


async def test_an_answer_for_another_request_is_never_used(
    root: Path, client: OqsClient, terminal: Callable[..., Terminal]
) -> None:
    terminal("other-request")
    with pytest.raises(OqsMismatchError):
        await client.lookup_by_number(*YAMADA)
    archived = list(client.settings.archive_folder().rglob("*.xml"))
    assert sorted(p.parent.name for p in archived) == ["mismatched", "sent"]


async def test_a_mislink_reaches_the_gate_as_it_is(
    client: OqsClient, terminal: Callable[..., Terminal]
) -> None:
    terminal("mislink:p-suzuki-ichiro")
    other = await client.lookup_by_number(*YAMADA)
    assert other.patient is not None and other.patient.name == "鈴木　一郎"  # the gate's job


async def test_several_qualifications_are_withheld_material(
    client: OqsClient, terminal: Callable[..., Terminal]
) -> None:
    terminal("mislink")
    several = await client.lookup_by_number(*YAMADA)
    assert several.eligibility.state is ValidityState.SEVERAL_MATCH
    assert several.patient is None


async def test_desks_sharing_one_terminal_take_only_their_own_answers(
    root: Path, tmp_path: Path, terminal: Callable[..., Terminal], dataset: Dataset
) -> None:
    terminal("slow:0.05")
    desks = [
        OqsClient(
            make_settings(
                root,
                desk_id=f"desk{n}",
                journal_path=tmp_path / f"journal{n}.jsonl",
                archive_dir=tmp_path / f"archive{n}",
            )
        )
        for n in (1, 2, 3)
    ]
    people = [e for e in dataset.patients.values() if e.coverages]

    async def run(desk: OqsClient, offset: int) -> list[tuple[str, str]]:
        seen = []
        for index in range(4):
            entry = people[(index + offset) % len(people)]
            c = entry.coverages[0]
            found = await desk.lookup_by_number(
                c.insurer_number, c.symbol, c.number, c.branch, entry.record.birthdate
            )
            assert found.patient is not None
            seen.append((entry.record.name, found.patient.name))
        return seen

    results = await asyncio.gather(*(run(d, n) for n, d in enumerate(desks)))
    for seen in results:
        assert all(asked == answered for asked, answered in seen)
    # each answer once, each request kept once as sent (the terminal took the request)
    kept = [p for n in (1, 2, 3) for p in (tmp_path / f"archive{n}").rglob("*.xml")]
    answers = [p.name for p in kept if p.parent.name == "answered"]
    assert len(answers) == len(set(answers)) == 12
    assert len([p for p in kept if p.parent.name == "sent"]) == 12
    for n in (1, 2, 3):
        assert all(f"desk{n}" in p.name for p in (tmp_path / f"archive{n}").rglob("*.xml"))
    assert leftovers(root) == []


def test_file_ids_are_never_reused(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(root)
    Journal(settings.journal_file()).record("desk260401090000aaaaaa", "OQSsiquc01", Entry.SENT)
    (root / "res" / "OQSsiquc01res_desk260401090000bbbbbb.xml").write_bytes(b"")

    class Frozen(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Frozen:
            return cls(2026, 4, 1, 9, 0, 0)

    tokens = iter(["aaaaaa", "bbbbbb", "cccccc", "cccccc", "dddddd"])
    monkeypatch.setattr(exchange, "datetime", Frozen)
    monkeypatch.setattr(exchange.secrets, "token_hex", lambda _: next(tokens))
    client = OqsClient(settings)  # a desk started again: it reads its journal
    first = client.exchange.new_file_id(Exchange.QUALIFICATION)
    second = client.exchange.new_file_id(Exchange.QUALIFICATION)
    assert (first, second) == ("desk260401090000cccccc", "desk260401090000dddddd")
