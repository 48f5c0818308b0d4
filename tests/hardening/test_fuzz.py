"""Fuzzing the parsers that read from outside: each ends in its result or its one
documented error, never in another exception.

- the BER-TLV reader (``reader/ber.py``): ``MalformedCardData``;
- the FHIR parsing the earlier fuzz does not reach (re-verification, cost-share items):
  ``FhirFormatError`` (the rest is in ``tests/gateway/test_domain_fuzz.py``);
- the fixture loader (``Scenario.load``): ``ScenarioError``;
- the configuration loader (``load_settings``, file and environment): ``ConfigError``.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clinic_desk.config import ConfigError, DeskSettings, load_settings
from clinic_desk.domain.coverage import EligibilityRecord
from clinic_desk.domain.fhir import FhirFormatError
from clinic_desk.domain.reverification import Reverification, ReverifyRequest
from clinic_desk.gateway.dataset import load_dataset
from clinic_desk.scenarios.scenario import Scenario, ScenarioError
from reader.ber import encode_length, encode_tlv, iter_tlvs, read_length, read_tag, read_tlv
from reader.errors import MalformedCardData

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 27, tzinfo=UTC)
BASE = "http://127.0.0.1:8470/fhir"
FUZZ = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["", "-", "2026-13-45", "1980-04-01", "P1", "../../etc/passwd", "🂠"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def mutate(original: Any, pick: int, action: str, value: Any) -> Any:
    """``original`` with the node at one of its paths replaced or deleted."""
    payload = copy.deepcopy(original)
    paths = _paths(payload)
    if not paths:
        return value
    path = paths[pick % len(paths)]
    parent = payload
    for step in path[:-1]:
        parent = parent[step]
    if action == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return payload


mutations = {
    "pick": st.integers(min_value=0),
    "action": st.sampled_from(["replace", "delete"]),
    "value": json_values,
}


# ---- the BER-TLV reader ------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=300), offset=st.integers(min_value=0, max_value=310))
def test_ber_reads_any_bytes_or_says_malformed(data: bytes, offset: int) -> None:
    for read in (read_tag, read_length, read_tlv):
        with contextlib.suppress(MalformedCardData):
            read(data, offset)
    try:
        tlv = read_tlv(data, offset)
    except MalformedCardData:
        return
    # whatever it accepts lies wholly inside the data
    assert offset == tlv.start < tlv.end <= len(data) or (tlv.start == offset and not tlv.value)
    assert data[tlv.end - len(tlv.value) : tlv.end] == tlv.value


@FUZZ
@given(data=st.binary(max_size=300))
def test_ber_sequences_cover_the_data_exactly_or_say_malformed(data: bytes) -> None:
    try:
        items = iter_tlvs(data)
    except MalformedCardData:
        return
    position = 0
    for item in items:
        assert item.start == position
        position = item.end
    assert position == len(data)


tags = st.one_of(
    st.integers(min_value=0, max_value=0xFF).filter(lambda t: t & 0x1F != 0x1F),
    st.builds(
        lambda a, b: (a << 8) | b,
        st.sampled_from([0x5F, 0x7F, 0x9F, 0xDF]),
        st.integers(min_value=0, max_value=0x7F),
    ),
)


@FUZZ
@given(tag=tags, value=st.binary(max_size=70_000), tail=st.binary(max_size=20))
def test_ber_reads_back_what_it_encodes(tag: int, value: bytes, tail: bytes) -> None:
    if len(value) > 0xFFFF:
        with pytest.raises(ValueError):
            encode_tlv(tag, value)
        return
    encoded = encode_tlv(tag, value)
    tlv = read_tlv(encoded + tail)
    assert (tlv.tag, tlv.value, tlv.end) == (tag, value, len(encoded))


@given(length=st.integers(min_value=0, max_value=0xFFFF))
def test_ber_lengths_round_trip(length: int) -> None:
    encoded = encode_length(length)
    assert read_length(encoded, 0) == (length, len(encoded))


# ---- FHIR: re-verification and cost-share items ------------------------------------------


def _fhir_samples() -> list[tuple[dict[str, Any], Any]]:
    shipped = load_dataset()
    counter = load_dataset(REPO / "fixtures" / "datasets" / "patients-at-the-counter.json")
    entry = shipped.patients["p-yamada-taro"]
    shared = counter.patients["p-ishida-haruto"]
    samples: list[tuple[dict[str, Any], Any]] = [
        (
            ReverifyRequest(certificate_sha256="ab" * 32, checked_in_at=NOW).to_fhir(),
            ReverifyRequest.from_fhir,
        )
    ]
    for patient in (entry, shared):
        record = EligibilityRecord.from_coverages(patient.record.id, tuple(patient.coverages), NOW)
        answer = Reverification(patient=patient.record, eligibility=record)
        samples.append(
            (answer.to_fhir_bundle(BASE), lambda p: Reverification.from_fhir_bundle(p, NOW))
        )
        samples.append(
            (
                record.to_fhir_bundle(BASE, BASE),
                lambda p, pid=patient.record.id: EligibilityRecord.from_fhir_bundle(p, pid, NOW),
            )
        )
    return samples


FHIR_SAMPLES = _fhir_samples()


def test_the_fhir_samples_parse_and_carry_cost_share_items() -> None:
    for payload, parse in FHIR_SAMPLES:
        assert parse(payload) is not None
    assert "costToBeneficiary" in json.dumps(FHIR_SAMPLES[-1][0])


@FUZZ
@given(sample=st.integers(min_value=0, max_value=len(FHIR_SAMPLES) - 1), **mutations)
def test_mutated_fhir_fails_only_with_fhir_format_error(
    sample: int, pick: int, action: str, value: Any
) -> None:
    payload, parse = FHIR_SAMPLES[sample]
    with contextlib.suppress(FhirFormatError):
        parse(mutate(payload, pick, action, value))


@FUZZ
@given(value=json_values)
def test_any_json_as_fhir_fails_only_with_fhir_format_error(value: Any) -> None:
    for _, parse in FHIR_SAMPLES:
        with contextlib.suppress(FhirFormatError):
            parse(value)


# ---- the fixture loader --------------------------------------------------------------------


def _shipped_fixtures() -> list[dict[str, Any]]:
    chosen = (
        "ordinary-consent.json",
        "black-circle-accepted.json",
        "gateway-500-once.json",
        "cost-share-public-expense.json",
        "offline-seeded-snapshot.json",
    )
    loaded = [
        json.loads((REPO / "fixtures" / "scenarios" / name).read_text(encoding="utf-8"))
        for name in chosen
    ]
    # an inline card profile and gateway data of the fixture's own
    inline = copy.deepcopy(loaded[0])
    inline["card"] = json.loads((REPO / "fixtures" / "cards" / "sato-ken.json").read_text("utf-8"))
    inline["gateway"] = {"revoked": True, "links": [{"patient_id": "p-sato-ken"}]}
    return [*loaded, inline]


FIXTURES = _shipped_fixtures()


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        yield Path(folder)


def test_the_fixture_samples_load() -> None:
    with _scratch() as folder:
        for n, data in enumerate(FIXTURES):
            path = folder / f"f{n}.json"
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            assert Scenario.load(path).title


@FUZZ
@given(sample=st.integers(min_value=0, max_value=len(FIXTURES) - 1), **mutations)
def test_mutated_fixtures_load_or_give_one_scenario_error(
    sample: int, pick: int, action: str, value: Any
) -> None:
    with _scratch() as folder:
        path = folder / "fixture.json"
        path.write_text(json.dumps(mutate(FIXTURES[sample], pick, action, value)), "utf-8")
        with contextlib.suppress(ScenarioError):
            Scenario.load(path)


@FUZZ
@given(raw=st.binary(max_size=600) | st.text(max_size=300).map(lambda t: t.encode("utf-8")))
def test_any_bytes_as_a_fixture_give_one_scenario_error(raw: bytes) -> None:
    with _scratch() as folder:
        path = folder / "fixture.json"
        path.write_bytes(raw)
        with pytest.raises(ScenarioError):
            Scenario.load(path)


# ---- the configuration loader --------------------------------------------------------------

toml_keys = st.sampled_from(
    [
        "mode",
        "base_url",
        "ca_bundle",
        "verify_tls",
        "connect_timeout",
        "checkin_budget",
        "passphrase_source",
        "medication_ttl_hours",
        "desk_id",
        "lang",
        "pin_hash",
        "lockout_tries",
        "level",
        "name_pattern",
        "nope",
    ]
)
toml_values = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(
        [
            "https://gw.example",
            "http://127.0.0.1:99999",
            "http://u:p@127.0.0.1",
            "https://[::1]:8443",
            "/etc/passwd",
            "production",
            "demo",
            "DEBUG",
            "scrypt$ln=20,r=16,p=4$AAAAAAAAAAAAAAAAAAAAAA$BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
        ]
    ),
    st.lists(st.integers(), max_size=3),
)
toml_sections = st.sampled_from(
    ["", "reader", "gateway", "cache", "desk", "manager", "logging", "extra"]
)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)


@st.composite
def toml_documents(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for section in draw(st.lists(toml_sections, max_size=4, unique=True)):
        if section:
            lines.append(f"[{section}]")
        for key, value in draw(st.dictionaries(toml_keys, toml_values, max_size=4)).items():
            lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: v for k, v in os.environ.items() if k.startswith("CLINIC_DESK_")}
    for key in saved:
        if key != "CLINIC_DESK_HOME":
            del os.environ[key]
    os.environ.update(values)
    try:
        yield
    finally:
        for key in [k for k in os.environ if k.startswith("CLINIC_DESK_")]:
            del os.environ[key]
        os.environ.update(saved)


def _load(text: str | bytes) -> DeskSettings | None:
    with _scratch() as folder:
        path = folder / "config.toml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        try:
            return load_settings(path)
        except ConfigError as exc:
            assert exc.message and "Traceback" not in exc.message
            return None


@FUZZ
@given(document=toml_documents())
def test_any_configuration_loads_or_gives_one_config_error(document: str) -> None:
    with _environment({}):
        _load(document)


@FUZZ
@given(raw=st.binary(max_size=400))
def test_any_bytes_as_a_configuration_give_settings_or_one_config_error(raw: bytes) -> None:
    with _environment({}):
        _load(raw)


env_names = st.sampled_from(
    [
        "CLINIC_DESK_MODE",
        "CLINIC_DESK_GATEWAY",
        "CLINIC_DESK_GATEWAY__BASE_URL",
        "CLINIC_DESK_GATEWAY__VERIFY_TLS",
        "CLINIC_DESK_GATEWAY__CHECKIN_BUDGET",
        "CLINIC_DESK_CACHE",
        "CLINIC_DESK_DESK__LANG",
        "CLINIC_DESK_MANAGER__LOCKOUT_TRIES",
        "CLINIC_DESK_LOGGING__LEVEL",
        "CLINIC_DESK_LOGGING",
        "CLINIC_DESK_READER__NAME_PATTERN",
    ]
)
env_values = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"),
        max_size=30,
    ),
    st.sampled_from(['{"base_url": 5}', "[]", "{}", '{"nope": 1}', "null", "1e999", "not json"]),
    json_values.map(json.dumps),
)


@FUZZ
@given(environment=st.dictionaries(env_names, env_values, max_size=3), document=toml_documents())
def test_any_environment_overrides_give_settings_or_one_config_error(
    environment: dict[str, str], document: str
) -> None:
    assume(all("\x00" not in v for v in environment.values()))
    with _environment(environment):
        _load(document)
