"""`clinic-desk oqs-terminal` subcommands: a simulated 資格確認端末 over a folder."""

from __future__ import annotations

import argparse
import signal
from pathlib import Path

from clinic_desk.cli.language import w
from clinic_desk.cli.serving import serve_until_stopped, usage


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="oqs_command", metavar="ACTION")
    serve = sub.add_parser(
        "serve",
        help=w("cli.oqs.serve"),
        description=w("cli.oqs.serve.description"),
    )
    serve.add_argument("dir", type=Path, metavar="DIR", help=w("cli.oqs.dir"))
    serve.add_argument("--dataset", type=Path, metavar="FILE", help=w("cli.oqs.dataset"))
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help=w("cli.oqs.fault"),
    )
    serve.add_argument(
        "--encoding", choices=("utf-8", "shift_jis"), default="utf-8", help=w("cli.oqs.encoding")
    )
    serve.add_argument(
        "--poll", type=float, default=0.02, metavar="SECONDS", help=w("cli.oqs.poll")
    )
    serve.add_argument(
        "--max-seconds",
        type=float,
        default=3600.0,
        metavar="SECONDS",
        help=w("cli.oqs.max_seconds"),
    )
    serve.add_argument("--max-requests", type=int, metavar="N", help=w("cli.oqs.max_requests"))
    serve.add_argument("--quiet", action="store_true", help=w("cli.quiet"))
    serve.set_defaults(handler=_serve)

    face = sub.add_parser(
        "face",
        help=w("cli.oqs.face"),
        description=w("cli.oqs.face.description"),
    )
    face.add_argument("dir", type=Path, metavar="DIR", help=w("cli.oqs.face_dir"))
    face.add_argument("--patient", required=True, metavar="PATIENT", help=w("cli.oqs.patient"))
    face.add_argument("--dataset", type=Path, metavar="FILE", help=w("cli.oqs.dataset"))
    face.add_argument(
        "--encoding", choices=("utf-8", "shift_jis"), default="utf-8", help=w("cli.oqs.encoding")
    )
    face.set_defaults(handler=_face)
    parser.set_defaults(handler=usage(parser))


def _serve(args: argparse.Namespace) -> int:
    from clinic_desk.cli import CliError
    from clinic_desk.cli.failures import failed
    from clinic_desk.gateway.dataset import DatasetError, load_dataset
    from clinic_desk.oqs.simulator import KnobPlan, TerminalSimulator, parse_knob

    if args.max_seconds <= 0 or args.poll <= 0:
        raise CliError(w("cli.positive", option="--max-seconds, --poll"))
    if args.max_requests is not None and args.max_requests < 1:
        raise CliError(w("cli.at_least_one", option="--max-requests"))
    try:
        knobs = [parse_knob(spec) for spec in args.fault]
        dataset = load_dataset(args.dataset)
        simulator = TerminalSimulator(
            args.dir,
            dataset,
            knobs=KnobPlan(knobs),
            encoding=args.encoding,
            poll_interval=args.poll,
            max_seconds=args.max_seconds,
            max_requests=args.max_requests,
        )
    except (ValueError, DatasetError) as exc:
        raise failed(exc) from None
    except OSError as exc:
        raise CliError(w("cli.oqs.cannot_use", path=args.dir, why=exc.strerror)) from None
    signal.signal(signal.SIGTERM, lambda *_: simulator.stop())
    faults = w("cli.faults", faults=", ".join(args.fault)) if args.fault else ""
    return serve_until_stopped(
        "clinic-desk oqs-terminal",
        w("cli.oqs.serving", path=args.dir) + faults,
        lambda: w("cli.oqs.stopped", count=simulator.serve()),
        logger="clinic_desk.oqs.terminal",
        quiet=args.quiet,
    )


def _face(args: argparse.Namespace) -> int:
    from clinic_desk.cli import CliError
    from clinic_desk.cli.failures import failed
    from clinic_desk.gateway.dataset import DatasetError, load_dataset
    from clinic_desk.oqs.simulator import write_face_result

    try:
        dataset = load_dataset(args.dataset)
    except DatasetError as exc:
        raise failed(exc) from None
    entry = dataset.patient(args.patient)
    if entry is None:
        raise CliError(w("cli.oqs.no_patient", patient=args.patient))
    codec = "cp932" if args.encoding == "shift_jis" else "utf-8"
    try:
        path = write_face_result(args.dir, entry, codec=codec)
    except OSError as exc:
        raise CliError(w("cli.oqs.cannot_write", path=args.dir, why=exc.strerror)) from None
    print(path.name, flush=True)
    return 0
