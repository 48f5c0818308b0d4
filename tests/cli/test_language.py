"""The command line speaks one language: in Japanese, its help, argparse's usage errors
and every command's errors and messages have no English outside codes (what is typed:
commands, options, choices, placeholders), paths and proper names; in English, no
Japanese outside proper names and data."""

from __future__ import annotations

import argparse
import io
import re
from pathlib import Path

import pytest

from clinic_desk.cli import build_parser, main
from clinic_desk.cli.language import speaking
from clinic_desk.texts import Lang
from tests.desk.language import english_words, japanese_runs
from tests.manager.support import PASSPHRASE, PIN, create_cache, set_pin

# codes a technician types or reads as they are, and the names of things
CODES = frozenset(
    {
        "JSON", "Schema", "HTTPS", "PEM", "FHIR", "APDU", "JPKI", "AP", "RSA", "CA", "URL",
        "mTLS", "API", "POST", "SIGTERM", "Ctrl", "UTC", "ATR", "PIN", "CSV", "UTF", "BOM",
        "vsmartcard", "pcscd", "vpcd", "scrypt", "clinic", "desk", "Patient", "MedicationDispense",
        # the gateway's and the terminal's fault specs (typed as they are)
        "KIND", "VALUE", "ROUTE", "TIMES", "slow", "coverage", "down", "garbage", "patient",
        "truncated", "processing", "mislink", "never", "err", "partial", "malformed",
        "qualification", "medication", "drive", "wipe", "YES", "gateway", "base_url",
    }
)  # fmt: skip
PROPER_NAMES = ("資格確認端末",)


def typed_words(parser: argparse.ArgumentParser) -> set[str]:
    """What a user types or sees as a placeholder: subcommands, choices, metavars.

    The words of what the user typed are allowed too (an error echoes them)."""
    found: set[str] = set()
    for action in parser._actions:
        found.update(str(choice) for choice in action.choices or ())
        metavar = action.metavar if isinstance(action.metavar, str) else action.dest.upper()
        found.add(metavar)
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found |= typed_words(child)
    return {word for text in found for word in re.findall(r"[A-Za-z]+", text)}


def every_help(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[list[str]]:
    """``--help`` of the parser and of every subcommand under it."""
    commands = [[*prefix, "--help"]]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                commands += every_help(child, (*prefix, name))
    return commands


def bad_input(tmp_path: Path) -> list[tuple[list[str], int]]:
    """Each subcommand given something wrong, with the exit status it must end with."""
    folder = tmp_path / "terminal"
    folder.mkdir(exist_ok=True)
    return [
        (["--fixture", "/missing.json"], 2),
        (["--nope"], 2),
        (["--card-source", "pigeon"], 2),
        (["frobnicate"], 2),
        (["card", "serve"], 2),
        (["card", "demo", "no-such-card"], 2),
        (["card", "info", "--reader"], 2),
        (["cache"], 2),
        (["cache", "status"], 0),
        (["cache", "unlock-test"], 2),
        (["cache", "wipe"], 2),
        (["cache", "reverify"], 2),
        (["cache", "purge", "extra"], 2),
        (["gateway"], 2),
        (["gateway", "check"], 2),
        (["gateway", "serve", "--port", "99999"], 2),
        (["gateway", "serve", "--port", "many"], 2),
        (["gateway", "serve", "--tls-cert", str(tmp_path / "cert.pem")], 2),
        (["review"], 2),
        (["review", "list"], 2),
        (["review", "list", "--status", "maybe"], 2),
        (["review", "export"], 2),
        (["review", "set-pin", "--pin-stdin"], 2),
        (["replay", str(tmp_path / "nowhere")], 2),
        (["replay", "--record", str(tmp_path / "r.json")], 2),
        (["doctor", "--verbose"], 2),
        (["config"], 2),
        (["config", "init", "--mode", "trial"], 2),
        (["config", "check"], 0),
        (["oqs-terminal", "face", str(folder)], 2),
        (["oqs-terminal", "face", str(folder), "--patient", "p-nobody"], 2),
        (["oqs-terminal", "serve", str(folder), "--poll", "0"], 2),
        (["patient-display", "--lang", "fr"], 2),
    ]


def run(argv: list[str], lang: Lang, monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))  # no terminal
    monkeypatch.setenv("COLUMNS", "80")
    try:
        return main(["--lang", lang, *argv])
    except SystemExit as exc:  # argparse's --help and usage errors
        return int(exc.code or 0)


def check(text: str, lang: Lang, argv: list[str]) -> None:
    assert text.strip(), argv
    if lang == "ja":
        with speaking("ja"):
            allowed = CODES | typed_words(build_parser())
        allowed |= {word for arg in argv for word in re.findall(r"[A-Za-z]+", arg)}  # echoed
        assert english_words(text) - allowed == set(), (argv, text)
    else:
        assert japanese_runs(text, PROPER_NAMES) == set(), (argv, text)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_bad_input_is_said_in_the_chosen_language(
    lang: Lang,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for argv, status in bad_input(tmp_path):
        assert run(argv, lang, monkeypatch) == status, argv
        out, err = capsys.readouterr()
        check(out + err, lang, argv)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_help_is_in_the_chosen_language(
    lang: Lang, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with speaking(lang):
        commands = every_help(build_parser())
    assert len(commands) > 30
    for argv in commands:
        assert run(argv, lang, monkeypatch) == 0, argv
        out, _ = capsys.readouterr()
        check(out, lang, argv)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_cache_and_the_manager_pin_are_refused_in_the_chosen_language(
    lang: Lang, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    create_cache().close()
    monkeypatch.setenv("CLINIC_DESK_CACHE_PASSPHRASE", "not the passphrase")
    assert run(["cache", "unlock-test"], lang, monkeypatch) == 2
    monkeypatch.setenv("CLINIC_DESK_CACHE_PASSPHRASE", PASSPHRASE)
    assert run(["review", "list", "--pin-stdin"], lang, monkeypatch, "\n") == 2  # no PIN yet
    set_pin()
    for _ in range(4):
        assert run(["review", "list", "--pin-stdin"], lang, monkeypatch, "000000\n") == 2
    assert run(["cache", "status"], lang, monkeypatch) == 0
    out, err = capsys.readouterr()
    check(out + err, lang, ["cache", "review"])
    # four wrong PINs of five: one try is left, said as one
    assert ("残り 1 回" if lang == "ja" else "(1 try left)") in err
    assert "1 tries" not in err
    assert run(["review", "list", "--pin-stdin"], lang, monkeypatch, "000000\n") == 2
    assert run(["review", "list", "--pin-stdin"], lang, monkeypatch, f"{PIN}\n") == 2  # locked
    _, err = capsys.readouterr()
    assert ("ロック" if lang == "ja" else "locked until") in err
    check(err, lang, ["review", "list"])


def test_config_show_comments_in_the_chosen_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The settings are TOML (its keys and values are codes); its comments are words."""
    for lang in ("ja", "en"):
        assert run(["config", "show"], lang, monkeypatch) == 0
        out, _ = capsys.readouterr()
        comments = "\n".join(line for line in out.splitlines() if line.startswith("#"))
        words = "\n".join(re.sub(r"^#\s*[a-z_]+ =", "", line) for line in comments.splitlines())
        check(words, lang, ["config", "show"])


def test_the_configured_language_is_the_command_lines_without_lang(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from clinic_desk import paths

    paths.ensure_dir(paths.config_file().parent)
    paths.config_file().write_text('[desk]\nlang = "ja"\n', encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["cache", "wipe"]) == 2
    assert "--yes を付けてください" in capsys.readouterr().err
    assert main(["--lang", "en", "cache", "wipe"]) == 2  # --lang wins
    assert "add --yes to confirm" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("lang", "said"),
    [("ja", "フィクスチャ /missing.json がありません。"),
     ("en", "The fixture /missing.json does not exist.")],
)  # fmt: skip
def test_a_missing_fixture_stops_before_the_desk_with_status_2(
    lang: Lang, said: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["--fixture", "/missing.json"], lang, monkeypatch) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"clinic-desk: {said}\n"


@pytest.mark.parametrize(
    ("lang", "said"),
    [("ja", "オフラインキャッシュがないため、確認する記録はありません。"),
     ("en", "there is no offline cache at")],
)  # fmt: skip
def test_review_says_there_is_no_cache_before_asking_for_a_passphrase(
    lang: Lang, said: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    asked: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": asked.append(prompt) or "secret")
    for argv in (["review"], ["review", "list"], ["review", "export", "--csv", "x.csv"]):
        monkeypatch.setattr("sys.stdin", Terminal(""))
        assert main(["--lang", lang, *argv]) == 2
        err = capsys.readouterr().err
        assert said in err and "M（F2）" in err if lang == "ja" else said in err
    assert asked == []


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_configuration_that_cannot_be_used_is_said_in_the_chosen_language(
    lang: Lang, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from clinic_desk import paths

    paths.ensure_dir(paths.config_file().parent)
    paths.config_file().write_text('[desk]\nlang = "fr"\nidle_lock = 3\n', encoding="utf-8")
    monkeypatch.setenv("CLINIC_DESK_LOGGING__LEVEL", "LOUD")
    for argv in (
        ["config", "check"],
        ["config", "show"],
        ["cache", "reverify"],
        ["review", "list"],
    ):
        assert run(argv, lang, monkeypatch) == 2, argv
        err = capsys.readouterr().err
        assert "desk.idle_lock" in err and "CLINIC_DESK_LOGGING__LEVEL" in err, err
        check(err, lang, [*argv, "fr", "LOUD"])  # the values as the file and variable say


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_home_that_is_a_file_is_said_in_the_chosen_language(
    lang: Lang,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = tmp_path / "home"
    home.write_text("not a folder")
    monkeypatch.setenv("CLINIC_DESK_HOME", str(home))
    for argv in (["cache", "status"], ["--fixture", "/missing.json"], ["doctor", "--json"]):
        assert run(argv, lang, monkeypatch) == 2, argv
        err = capsys.readouterr().err
        assert str(home) in err
        check(err, lang, argv)
