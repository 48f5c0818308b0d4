"""What is not ready is said in the desk's language: every finding of the readiness
checks that the desk can show comes from the catalogue, in Japanese and English."""

from __future__ import annotations

import ast
import json
import string
from pathlib import Path

import clinic_desk
from clinic_desk.readiness.machine import reader_said
from clinic_desk.readiness.model import CHECK_NAMES, CheckStatus, result
from clinic_desk.texts import CATALOGUE, say_findings
from clinic_desk.texts.said import Finding, Said
from reader.errors import AmbiguousReader, NoReader, ReaderBusy
from tests.desk.language import english_words, japanese_runs

READINESS = Path(clinic_desk.__file__).parent / "readiness"


def test_every_finding_that_is_not_ok_has_catalogue_words() -> None:
    """Each ``result(...)`` that is not OK names what the desk says (``said``)."""
    missing = []
    for path in READINESS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "result"):
                continue
            status = node.args[1] if len(node.args) > 1 else None
            ok = isinstance(status, ast.Attribute) and status.attr == "OK"
            said = len(node.args) >= 5 or any(k.arg == "said" for k in node.keywords)
            if not ok and not said:
                missing.append(f"{path.name}:{node.lineno}")
    assert not missing, missing


def _filled(key: str) -> Said:
    names = {n for _, n, _, _ in string.Formatter().parse(CATALOGUE[key]["en"]) if n}  # type: ignore[index]
    values = {name: "'x1'" if name != "readers" else "Reader 00, Reader 01" for name in names}
    return Said(key=key, values=tuple(values.items()))  # type: ignore[arg-type]


def test_each_finding_reads_in_one_language() -> None:
    keys = [k for k in CATALOGUE if k.startswith("ready.") and k.count(".") == 2]
    keys = [k for k in keys if not k.startswith("ready.check.")]
    assert len(keys) > 30
    findings = [
        Finding(check=check, said=_filled(k)) for k in keys for check in CHECK_NAMES.values()
    ]
    japanese = say_findings(findings, "ja")
    commands = {"pcscd", "clinic", "desk", "config", "check", "doctor", "gateway", "base_url"}
    assert english_words(japanese) <= commands | {"TLS", "HTTP", "MB", "Reader"}
    assert not japanese_runs(say_findings(findings, "en"))


def test_reader_problems_in_words() -> None:
    said = reader_said(NoReader("ACR39U", ("Other 00",)))
    assert said.key == "ready.reader.no_match" and dict(said.values) == {"pattern": "'ACR39U'"}
    assert reader_said(NoReader()).key == "ready.reader.none"
    assert reader_said(AmbiguousReader("ACS", ("ACS 00", "ACS 01"))).key == "ready.reader.several"
    assert reader_said(ReaderBusy("ACS 00")).key == "ready.reader.unavailable"
    finding = Finding(check="ready.check.reader", said=said)
    assert (
        say_findings([finding], "ja")
        == "カードリーダー：'ACR39U' に合うカードリーダーが接続されていません"
    )
    assert say_findings([finding], "en") == "card reader: no connected card reader matches 'ACR39U'"


def test_doctors_json_is_unchanged_by_the_desks_words() -> None:
    found = result(
        "logs",
        CheckStatus.FAIL,
        "cannot write",
        "fix",
        Said.of("ready.logs.cannot_write", path="/x"),
    )
    assert "said" not in json.loads(found.model_dump_json())
    assert found.finding().said.key == "ready.logs.cannot_write"
