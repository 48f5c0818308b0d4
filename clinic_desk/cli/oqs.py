"""`clinic-desk oqs-terminal` subcommands: a simulated 資格確認端末 over a folder."""

from __future__ import annotations

import argparse
import signal
from pathlib import Path

from clinic_desk.cli.serving import serve_until_stopped, usage


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="oqs_command", metavar="ACTION")
    serve = sub.add_parser(
        "serve",
        help="answer requests in DIR/req with files in DIR/res until stopped",
        description="Act as the clinic's 資格確認端末: take OQSsiquc01/YZKsiquc01 requests from "
        "DIR/req and answer them in DIR/res from the gateway dataset. It stops on Ctrl-C or "
        "SIGTERM, after --max-seconds, or after --max-requests.",
    )
    serve.add_argument("dir", type=Path, help="the terminal's folder (req/, res/, face/)")
    serve.add_argument("--dataset", type=Path, help="dataset.json (default: the shipped one)")
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="KIND[:VALUE][@qualification|medication][*TIMES]: slow:3, never, err, "
        "partial:0.5, processing:1, shift-jis, malformed, entity-bomb, other-request, "
        "mislink[:PATIENT] (repeatable)",
    )
    serve.add_argument(
        "--encoding", choices=("utf-8", "shift_jis"), default="utf-8", help="answers' encoding"
    )
    serve.add_argument("--poll", type=float, default=0.02, help="seconds between looks at req/")
    serve.add_argument(
        "--max-seconds", type=float, default=3600.0, help="stop by itself after this long"
    )
    serve.add_argument("--max-requests", type=int, help="stop after answering this many")
    serve.add_argument("--quiet", action="store_true", help="do not print one line per request")
    serve.set_defaults(handler=_serve)

    face = sub.add_parser(
        "face",
        help="write one face-reader result into DIR/face",
        description="Write what the national face reader leaves when a patient passes it: "
        "a qualification answer about --patient, in DIR/face.",
    )
    face.add_argument("dir", type=Path, help="the terminal's folder")
    face.add_argument("--patient", required=True, help="a Patient id of the dataset")
    face.add_argument("--dataset", type=Path, help="dataset.json (default: the shipped one)")
    face.add_argument("--encoding", choices=("utf-8", "shift_jis"), default="utf-8")
    face.set_defaults(handler=_face)
    parser.set_defaults(handler=usage(parser))


def _serve(args: argparse.Namespace) -> int:
    from clinic_desk.cli import CliError
    from clinic_desk.gateway.dataset import DatasetError, load_dataset
    from clinic_desk.oqs.simulator import KnobPlan, TerminalSimulator, parse_knob

    if args.max_seconds <= 0 or args.poll <= 0:
        raise CliError("--max-seconds and --poll must be more than 0.")
    if args.max_requests is not None and args.max_requests < 1:
        raise CliError("--max-requests must be at least 1.")
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
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{args.dir} cannot be used: {exc.strerror}.") from None
    signal.signal(signal.SIGTERM, lambda *_: simulator.stop())
    faults = f", faults: {', '.join(args.fault)}" if args.fault else ""
    return serve_until_stopped(
        "clinic-desk oqs-terminal",
        f"serving {args.dir}{faults}",
        lambda: f"stopped after {simulator.serve()} requests",
        logger="clinic_desk.oqs.terminal",
        quiet=args.quiet,
    )


def _face(args: argparse.Namespace) -> int:
    from clinic_desk.cli import CliError
    from clinic_desk.gateway.dataset import DatasetError, load_dataset
    from clinic_desk.oqs.simulator import write_face_result

    try:
        dataset = load_dataset(args.dataset)
    except DatasetError as exc:
        raise CliError(str(exc)) from None
    entry = dataset.patient(args.patient)
    if entry is None:
        raise CliError(f"The dataset has no Patient {args.patient}.")
    codec = "cp932" if args.encoding == "shift_jis" else "utf-8"
    try:
        path = write_face_result(args.dir, entry, codec=codec)
    except OSError as exc:
        raise CliError(f"{args.dir} cannot be written: {exc.strerror}.") from None
    print(path.name, flush=True)
    return 0
