"""The configuration as TOML: the commented template of `clinic-desk config init` and the
settings in effect for `clinic-desk config show` (secrets masked). Written with tomlkit,
so values are quoted and escaped as TOML wants and the comments stay in place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import tomlkit
from pydantic import BaseModel

from clinic_desk.config import DeskSettings, Mode, is_secret
from clinic_desk.eligibility.settings import redact_url

_PRODUCTION_EXAMPLES: dict[str, dict[str, object]] = {
    "reader": {"name_pattern": "ACR39U"},
    "gateway": {
        "base_url": "https://gateway.clinic.example:8443",
        "ca_bundle": "/etc/clinic-desk/gateway-ca.pem",
        "client_certificate": "/etc/clinic-desk/desk.pem",
        "client_key": "/etc/clinic-desk/desk.key",
    },
    "desk": {"clinic_id": "clinic-0001", "desk_id": "desk-1"},
}


def _toml_text(value: Any) -> str:
    return str(tomlkit.item(value).as_string())


def render_template(mode: Mode = "demo") -> str:
    """A commented config.toml listing every setting with its meaning and default.

    ``demo``: everything commented out (the file loads as the demo). ``production``:
    the settings a clinic must fill in are written out with example values to replace.
    """
    doc = tomlkit.document()
    for line in (
        "clinic-desk configuration (written by `clinic-desk config init`).",
        "Every setting may also come from the environment: CLINIC_DESK_<SECTION>__<KEY>,",
        "e.g. CLINIC_DESK_GATEWAY__BASE_URL. A line starting with # shows the default.",
        "Check this file with `clinic-desk config check`, then `clinic-desk doctor`.",
    ):
        doc.add(tomlkit.comment(line))
    doc.add(tomlkit.nl())
    doc.add(tomlkit.comment(str(DeskSettings.model_fields["mode"].description)))
    if mode == "production":
        doc.add("mode", tomlkit.item(mode))
    else:
        doc.add(tomlkit.comment('mode = "demo"'))
    for section, field in DeskSettings.model_fields.items():
        if section == "mode":
            continue
        model = field.default_factory() if field.default_factory else None  # type: ignore[call-arg]
        assert isinstance(model, BaseModel)
        examples = _PRODUCTION_EXAMPLES.get(section, {}) if mode == "production" else {}
        table = tomlkit.table()
        for key, sub in type(model).model_fields.items():
            if sub.description:
                table.add(tomlkit.comment(sub.description))
            if key in examples:
                table.add(tomlkit.comment("CHANGE THIS: an example value"))
                table.add(key, tomlkit.item(cast(Any, examples[key])))
                continue
            default = getattr(model, key)
            shown = "   (not set)" if default is None else _toml_text(default)
            table.add(tomlkit.comment(f"{key} = {shown}"))
        doc.add(tomlkit.nl())
        doc.add(section, table)
    return tomlkit.dumps(doc)


def masked_dump(settings: DeskSettings) -> dict[str, Any]:
    """The settings as plain data with every secret replaced by ``********`` (and any
    credentials in a URL by ``***``)."""
    data = settings.model_dump(mode="json")
    for section, values in data.items():
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            if is_secret(key) and value is not None:
                values[key] = "********"
            elif isinstance(value, str) and "://" in value:
                values[key] = redact_url(value)
        data[section] = values
    return data


def _table(data: Mapping[str, Any], unset: str) -> Any:
    """One section (a sub-section such as [gateway.oqs] nested in it; unset as comments)."""
    table = tomlkit.table()
    for key, value in data.items():
        if value is None:
            table.add(tomlkit.comment(f"{key} =    {unset}"))
        elif isinstance(value, Mapping):
            table.add(key, _table(value, unset))
        else:
            table.add(key, value)
    return table


def to_toml(data: Mapping[str, Any], unset: str = "(not set)") -> str:
    """Render ``masked_dump`` output as TOML (unset values as comments saying ``unset``)."""
    doc = tomlkit.document()
    for key, value in data.items():
        if not isinstance(value, Mapping) and value is not None:
            doc.add(key, value)
    for name, table_data in data.items():
        if not isinstance(table_data, Mapping):
            continue
        doc.add(tomlkit.nl())
        doc.add(name, _table(table_data, unset))
    return tomlkit.dumps(doc)
