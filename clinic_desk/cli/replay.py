"""`clinic-desk replay`: support fixtures replayed headless through the real check-in.

Exit status 0 when every fixture ended as expected, 1 when any did not, 2 for
a usage error (a missing file, nothing to replay).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from clinic_desk.cli import CliError
from clinic_desk.cli.failures import failed
from clinic_desk.cli.language import w


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "targets",
        nargs="*",
        type=Path,
        metavar="FIXTURE_OR_DIR",
        help=w("cli.replay.targets"),
    )
    parser.add_argument("--json", action="store_true", help=w("cli.replay.json"))
    parser.add_argument(
        "--record",
        type=Path,
        default=None,
        metavar="FILE",
        help=w("cli.replay.record"),
    )
    parser.add_argument(
        "--allow-outside-paths", action="store_true", help=w("cli.replay.allow_outside_paths")
    )
    parser.add_argument("--schema", action="store_true", help=w("cli.replay.schema"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from clinic_desk import paths
    from clinic_desk.scenarios.replay import fixture_paths
    from clinic_desk.scenarios.scenario import ScenarioError

    if args.schema:
        from clinic_desk.scenarios.schema import schema_text

        sys.stdout.write(schema_text())
        return 0
    targets = args.targets or [paths.fixtures_dir() / "scenarios"]
    for target in targets:
        if not target.exists():
            raise CliError(w("cli.error.target_missing", path=target))
    try:
        fixtures = fixture_paths(targets)
    except ScenarioError as exc:
        raise failed(exc) from None
    if not fixtures:
        raise CliError(w("cli.replay.nothing"))
    if args.record is not None:
        if len(fixtures) != 1:
            raise CliError(w("cli.replay.record_one"))
        if args.record.exists():
            raise CliError(w("cli.replay.record_exists", path=args.record))
    # uvicorn's notes about faults the gateway injects on purpose are not for this output
    logging.getLogger().addHandler(logging.NullHandler())
    return asyncio.run(_run(fixtures, args.json, args.record, args.allow_outside_paths))


async def _run(
    fixtures: list[Path], as_json: bool, record: Path | None, allow_outside_paths: bool
) -> int:
    from clinic_desk.scenarios.record import CheckInRecorder
    from clinic_desk.scenarios.replay import Replayer, ReplayResult

    recorder = CheckInRecorder() if record is not None else None
    failures = 0
    results: list[ReplayResult] = []
    async with Replayer(recorder=recorder, allow_outside_paths=allow_outside_paths) as replayer:
        for path in fixtures:
            result = await replayer.replay(path)
            results.append(result)
            failures += not result.matched
            print(result.json_line() if as_json else _describe(result), flush=True)
            if recorder is not None and record is not None:
                _save_recording(recorder, replayer.last_runner, record, result.title, as_json)
    if not as_json and len(results) > 1:
        seconds = sum(r.seconds for r in results)
        print(
            w(
                "cli.replay.total",
                matched=len(results) - failures,
                count=len(results),
                seconds=f"{seconds:.2f}",
            )
        )
    return 1 if failures else 0


def _describe(result: object) -> str:
    from clinic_desk.scenarios.replay import ReplayResult

    assert isinstance(result, ReplayResult)
    verdict = w("cli.replay.as_expected") if result.matched else w("cli.replay.unexpected")
    outcome = result.outcome.value + (f" ({result.reason})" if result.reason else "")
    expected = result.expected.value if result.expected else "-"
    if result.expected_reason:
        expected += f" ({result.expected_reason})"
    line = w(
        "cli.replay.line",
        fixture=result.fixture,
        outcome=outcome,
        verdict=verdict,
        expected=expected,
        seconds=f"{result.seconds:.3f}",
    )
    lines = [line, w("cli.replay.states", states=" → ".join(s.value for s in result.states))]
    if result.flags:
        lines.append(w("cli.replay.flags", flags=", ".join(result.flags)))
    if result.mismatch:
        lines.append(w("cli.replay.why", why=result.mismatch))
    return "\n".join(lines)


def _save_recording(
    recorder: object, runner: object, record: Path, title: str, as_json: bool
) -> None:
    from clinic_desk.checkin.runner import CheckInRunner
    from clinic_desk.scenarios.record import CheckInRecorder
    from offline_cache.fsutil import write_atomically

    assert isinstance(recorder, CheckInRecorder)
    if not isinstance(runner, CheckInRunner):
        print(f"clinic-desk: {w('cli.replay.not_recorded')}", file=sys.stderr)
        return
    text = recorder.scenario(runner.machine, title=f"Recorded: {title}").dump()
    try:  # never over an existing file; owner-only, as a recording came from a clinic
        write_atomically(record, text.encode("utf-8"), exclusive=True)
    except OSError as exc:
        raise CliError(w("cli.replay.cannot_write", path=record, why=exc.strerror)) from None
    if not as_json:
        print(w("cli.replay.recorded", path=record))
