"""`clinic-desk gateway` subcommands: run the embedded eligibility gateway."""

from __future__ import annotations

import argparse
from pathlib import Path

from clinic_desk.cli.serving import serve_until_stopped, usage

DEFAULT_PORT = 8470


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="gateway_command", metavar="ACTION")
    serve = sub.add_parser(
        "serve",
        help="serve the fixture dataset on 127.0.0.1 until Ctrl-C or SIGTERM",
        description="Serve the embedded eligibility gateway (FHIR R4 + card authentication) "
        "on 127.0.0.1. It stops on Ctrl-C or SIGTERM, or after --max-seconds.",
    )
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any)"
    )
    serve.add_argument("--dataset", type=Path, help="dataset.json (default: the shipped fixtures)")
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help="a fault for the whole run: KIND[:VALUE][@ROUTE,…][*TIMES], e.g. slow:3@coverage, "
        "error-500*1, down, garbage@patient, truncated, processing*2@coverage, "
        "mislink:p-suzuki-ichiro (repeatable)",
    )
    serve.add_argument("--page-size", type=int, default=10, help="MedicationDispense page size")
    serve.add_argument("--tls-cert", type=Path, help="serve HTTPS with this PEM certificate")
    serve.add_argument("--tls-key", type=Path, help="the PEM key of --tls-cert")
    serve.add_argument("--client-ca", type=Path, help="require client certificates from this CA")
    serve.add_argument("--max-seconds", type=float, help="stop by itself after this many seconds")
    serve.add_argument("--quiet", action="store_true", help="do not print one line per request")
    serve.set_defaults(handler=_serve)

    check = sub.add_parser(
        "check",
        help="ask a gateway for a challenge: is it reachable, trusted and speaking the API?",
        description="Send one POST /auth/challenge to a gateway (no card, no patient data) and "
        "report the answer, or the error with what the desk would do and what to look at.",
    )
    check.add_argument("url", help="the gateway's root, e.g. https://gateway.clinic.example")
    check.add_argument("--ca-bundle", type=Path, help="PEM file of CAs to trust")
    check.add_argument("--client-cert", type=Path, help="PEM client certificate (mTLS)")
    check.add_argument("--client-key", type=Path, help="PEM key of --client-cert")
    check.add_argument("--timeout", type=float, default=1.5, help="read timeout in seconds")
    check.set_defaults(handler=_check)
    parser.set_defaults(handler=usage(parser))


def _serve(args: argparse.Namespace) -> int:
    from clinic_desk.cli import CliError
    from clinic_desk.gateway.dataset import DatasetError, load_dataset
    from clinic_desk.gateway.faults import parse_fault
    from clinic_desk.gateway.server import GatewayServer, GatewayServerError, ServerTLS

    if not 0 <= args.port <= 65535:
        raise CliError("--port must be between 0 and 65535.")
    if not 1 <= args.page_size <= 100:
        raise CliError("--page-size must be between 1 and 100.")
    if args.max_seconds is not None and args.max_seconds <= 0:
        raise CliError("--max-seconds must be more than 0.")
    try:
        faults = [parse_fault(spec) for spec in args.fault]
    except ValueError as exc:
        raise CliError(str(exc)) from None
    tls = None
    if args.tls_cert or args.tls_key or args.client_ca:
        if not (args.tls_cert and args.tls_key):
            raise CliError("HTTPS needs both --tls-cert and --tls-key.")
        for path in (args.tls_cert, args.tls_key, args.client_ca):
            if path is not None and not path.is_file():
                raise CliError(f"{path} does not exist.")
        tls = ServerTLS(args.tls_cert, args.tls_key, args.client_ca)
    try:
        dataset = load_dataset(args.dataset)
        server = GatewayServer(
            dataset,
            faults=faults,
            port=args.port,
            tls=tls,
            page_size=args.page_size,
            max_seconds=args.max_seconds,
        )
    except (DatasetError, GatewayServerError) as exc:
        raise CliError(str(exc)) from None
    fault_text = f", faults: {', '.join(args.fault)}" if args.fault else ""

    def serve() -> str:
        server.serve()
        return "stopped"

    return serve_until_stopped(
        "clinic-desk gateway",
        f"serving {len(dataset.patients)} patients on {server.url}{fault_text}",
        serve,
        logger="clinic_desk.gateway",
        quiet=args.quiet,
    )


def _check(args: argparse.Namespace) -> int:
    import asyncio

    from pydantic import ValidationError

    from clinic_desk.cli import CliError
    from clinic_desk.eligibility import (
        EligibilityClient,
        GatewayError,
        GatewaySettings,
        GatewaySettingsError,
    )
    from clinic_desk.eligibility.settings import redact_url

    def absolute(path: Path | None) -> Path | None:
        return None if path is None else path.expanduser().absolute()

    try:
        settings = GatewaySettings(
            base_url=args.url,
            ca_bundle=absolute(args.ca_bundle),
            client_certificate=absolute(args.client_cert),
            client_key=absolute(args.client_key),
            read_timeout=args.timeout,
        )
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        options = {
            "base_url": f"the URL {redact_url(args.url)!r}",
            "read_timeout": "--timeout",
            "ca_bundle": "--ca-bundle",
            "client_certificate": "--client-cert",
            "client_key": "--client-key",
            "gateway.client_certificate": "--client-cert",
            "gateway.client_key": "--client-key",
        }
        if first["type"] == "desk_rule":
            problems = first.get("ctx", {}).get("problems", [])
            text = "; ".join(f"{options.get(key, key)} {why}" for key, why in problems)
            for name, option in options.items():
                text = text.replace(name, option) if name.startswith("gateway.") else text
            raise CliError(f"{text}.") from None
        where = str(first["loc"][0]) if first["loc"] else ""
        what = options.get(where, "the options")
        text = str(first["msg"]).removeprefix("Value error, ")
        # pydantic's own wording ("Input should be …") follows a colon
        text = ": " + text[0].lower() + text[1:] if text[:1].isupper() else " " + text
        raise CliError(f"{what}{text}.") from None

    async def probe() -> int:
        try:
            client = EligibilityClient(settings)
        except GatewaySettingsError as exc:
            raise CliError(f"{exc}.") from None
        async with client:
            try:
                grant = await client.challenge()
            except GatewayError as exc:
                print(f"{type(exc).__name__}: {exc.message}")
                print(f"  desk: {exc.desk_action}")
                print(f"  support: {exc.support_hint}")
                return 1
        print(
            f"ok: {settings.display_url} issued a challenge valid until "
            f"{grant.expires_at:%H:%M:%S %Z}"
        )
        return 0

    return asyncio.run(probe())
