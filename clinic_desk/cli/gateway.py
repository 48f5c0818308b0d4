"""`clinic-desk gateway` subcommands: run the embedded eligibility gateway."""

from __future__ import annotations

import argparse
from pathlib import Path

from clinic_desk.cli.language import w
from clinic_desk.cli.serving import serve_until_stopped, usage

DEFAULT_PORT = 8470


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="gateway_command", metavar="ACTION")
    serve = sub.add_parser(
        "serve",
        help=w("cli.gateway.serve"),
        description=w("cli.gateway.serve.description"),
    )
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=w("cli.gateway.port", port=DEFAULT_PORT)
    )
    serve.add_argument("--dataset", type=Path, metavar="FILE", help=w("cli.gateway.dataset"))
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="SPEC",
        help=w("cli.gateway.fault"),
    )
    serve.add_argument(
        "--page-size", type=int, default=10, metavar="N", help=w("cli.gateway.page_size")
    )
    serve.add_argument("--tls-cert", type=Path, metavar="FILE", help=w("cli.gateway.tls_cert"))
    serve.add_argument("--tls-key", type=Path, metavar="FILE", help=w("cli.gateway.tls_key"))
    serve.add_argument("--client-ca", type=Path, metavar="FILE", help=w("cli.gateway.client_ca"))
    serve.add_argument(
        "--max-seconds", type=float, metavar="SECONDS", help=w("cli.gateway.max_seconds")
    )
    serve.add_argument("--quiet", action="store_true", help=w("cli.quiet"))
    serve.set_defaults(handler=_serve)

    check = sub.add_parser(
        "check",
        help=w("cli.gateway.check"),
        description=w("cli.gateway.check.description"),
    )
    check.add_argument("url", metavar="URL", help=w("cli.gateway.url"))
    check.add_argument("--ca-bundle", type=Path, metavar="FILE", help=w("cli.gateway.ca_bundle"))
    check.add_argument(
        "--client-cert", type=Path, metavar="FILE", help=w("cli.gateway.client_cert")
    )
    check.add_argument("--client-key", type=Path, metavar="FILE", help=w("cli.gateway.client_key"))
    check.add_argument(
        "--timeout", type=float, default=1.5, metavar="SECONDS", help=w("cli.gateway.timeout")
    )
    check.set_defaults(handler=_check)
    parser.set_defaults(handler=usage(parser))


def _serve(args: argparse.Namespace) -> int:
    from clinic_desk.cli import CliError
    from clinic_desk.cli.failures import failed
    from clinic_desk.gateway.dataset import DatasetError, load_dataset
    from clinic_desk.gateway.faults import parse_fault
    from clinic_desk.gateway.server import GatewayServer, GatewayServerError, ServerTLS

    if not 0 <= args.port <= 65535:
        raise CliError(w("cli.between", option="--port", low=0, high=65535))
    if not 1 <= args.page_size <= 100:
        raise CliError(w("cli.between", option="--page-size", low=1, high=100))
    if args.max_seconds is not None and args.max_seconds <= 0:
        raise CliError(w("cli.positive", option="--max-seconds"))
    try:
        faults = [parse_fault(spec) for spec in args.fault]
    except ValueError as exc:
        raise failed(exc) from None
    tls = None
    if args.tls_cert or args.tls_key or args.client_ca:
        if not (args.tls_cert and args.tls_key):
            raise CliError(w("cli.gateway.https_needs_both"))
        for path in (args.tls_cert, args.tls_key, args.client_ca):
            if path is not None and not path.is_file():
                raise CliError(w("cli.no_such_file", path=path))
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
        raise failed(exc) from None
    fault_text = w("cli.faults", faults=", ".join(args.fault)) if args.fault else ""

    def serve() -> str:
        server.serve()
        return w("cli.stopped")

    return serve_until_stopped(
        "clinic-desk gateway",
        w("cli.gateway.serving", count=len(dataset.patients), url=server.url) + fault_text,
        serve,
        logger="clinic_desk.gateway",
        quiet=args.quiet,
    )


def _check(args: argparse.Namespace) -> int:
    import asyncio

    from pydantic import ValidationError

    from clinic_desk.cli.failures import failed
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
            raise failed(f"{text}.") from None
        where = str(first["loc"][0]) if first["loc"] else ""
        what = options.get(where, "the options")
        text = str(first["msg"]).removeprefix("Value error, ")
        # pydantic's own wording ("Input should be …") follows a colon
        text = ": " + text[0].lower() + text[1:] if text[:1].isupper() else " " + text
        raise failed(f"{what}{text}.") from None

    async def probe() -> int:
        try:
            client = EligibilityClient(settings)
        except GatewaySettingsError as exc:
            raise failed(f"{exc}.") from None
        async with client:
            try:
                grant = await client.challenge()
            except GatewayError as exc:
                kind = type(exc).__name__
                print(w("cli.gateway.check_failed", kind=kind, why=exc.message))
                print(w("cli.gateway.desk_action", action=exc.desk_action))
                print(w("cli.gateway.support_hint", hint=exc.support_hint))
                return 1
        until = f"{grant.expires_at:%H:%M:%S %Z}"
        print(w("cli.gateway.check_ok", url=settings.display_url, until=until))
        return 0

    return asyncio.run(probe())
