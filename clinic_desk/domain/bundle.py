"""FHIR ``Bundle`` search results: reading entries and ``link[next]``, writing a page."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from clinic_desk.domain.fhir import FhirFormatError, Wire, check_resource_type, parse_wire


class _Link(Wire):
    relation: str
    url: str


class _Entry(Wire):
    fullUrl: str | None = None
    resource: dict[str, Any]


class _Bundle(Wire):
    resourceType: str
    type: str
    total: int | None = Field(default=None, ge=0)
    link: list[_Link] = Field(default_factory=list)
    entry: list[_Entry] = Field(default_factory=list)


def _bundle(payload: Any) -> _Bundle:
    check_resource_type(payload, "Bundle")
    wire = parse_wire(_Bundle, payload, "Bundle")
    if wire.type != "searchset":
        raise FhirFormatError("Bundle: expected a searchset")
    return wire


def bundle_resources(payload: Any, resource_type: str) -> list[dict[str, Any]]:
    """The resources of type ``resource_type`` in a searchset Bundle.

    An OperationOutcome entry (search warnings) is skipped; any other type is
    a FhirFormatError: the desk never guesses what an unexpected entry means.
    """
    found: list[dict[str, Any]] = []
    for entry in _bundle(payload).entry:
        kind = entry.resource.get("resourceType")
        if kind == resource_type:
            found.append(entry.resource)
        elif kind != "OperationOutcome":
            raise FhirFormatError(f"Bundle: an entry is not a {resource_type}")
    return found


def next_link(payload: Any) -> str | None:
    """The Bundle's ``link[next]`` URL, if any."""
    for link in _bundle(payload).link:
        if link.relation == "next":
            return link.url
    return None


def searchset(
    resources: list[dict[str, Any]],
    *,
    total: int,
    base_url: str,
    self_url: str,
    next_url: str | None = None,
) -> dict[str, Any]:
    """A searchset Bundle page holding ``resources`` (``base_url``: the FHIR base)."""
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base_url}/{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "search": {"mode": "match"},
            }
            for resource in resources
        ],
    }
