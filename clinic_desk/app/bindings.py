"""Footer texts of key bindings in the desk's language."""

from __future__ import annotations

import dataclasses

from textual.dom import DOMNode

from clinic_desk.texts import Lang, has_text, t


def localise_bindings(node: DOMNode, lang: Lang) -> None:
    """Give each binding with id ``area.name`` the catalogue text ``key.name``."""
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            dataclasses.replace(b, description=t(f"key.{b.id.rsplit('.', 1)[-1]}", lang))
            if b.id and has_text(f"key.{b.id.rsplit('.', 1)[-1]}")
            else b
            for b in bindings
        ]
