"""The demo desk: the embedded gateway, a temporary cache and the fixture cards.

``clinic-desk`` with nothing configured runs this. The cards go through the real
pcscd and the vsmartcard virtual reader when that is available (the same pyscard
code path as a real reader), otherwise they are called in-process; the status
line says which.

When this computer has no manager PIN yet, the demo makes a manager of its own
(``DEMO_MANAGER_PIN``, its key in the demo's temporary folder): the flags the demo
raises keep their insurer reference sealed, and the manager's review opened from
the demo desk (M) shows them. Both go when the demo closes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Literal

from clinic_desk import paths
from clinic_desk.config import DeskConfig, ManagerConfig
from clinic_desk.manager.pin import hash_pin
from clinic_desk.manager.sealing import (
    KEY_FILE_NAME,
    SealedReference,
    SealFunction,
    key_file_path,
    load_sealer,
    new_manager_key,
)
from clinic_desk.services.assembly import DeskOptions, TemporaryCache, assemble_desk
from clinic_desk.services.desk import DeskServices, ManagerAccess
from clinic_desk.services.embedded_gateway import EmbeddedGateway
from clinic_desk.services.sources import GatewaySource
from clinic_desk.services.virtual_cards import (
    InProcessCards,
    VirtualCards,
    VpcdCards,
    vpcd_available,
)
from reader.virtual_card.keys import KeyStore

CardSourceName = Literal["pcscd", "in_process"]
IN_PROCESS_READER = "in-process virtual card"
# the demo names itself as an unconfigured desk does, as the logs and the audit rows do
DEMO_DESK_ID = DeskConfig().desk_id
# the demo's own manager PIN, shown on screen: it opens the demo's flags only
DEMO_MANAGER_PIN = "246810"

# The demo panel's cards, in the order a new user should try them.
DEMO_CARDS = (
    "yamada-taro",
    "takahashi-ichiro",
    "watanabe-hanako",
    "sato-ken",
    "kato-yuki",
    "kobayashi-sachiko",
    "ito-makoto",
    "nakamura-akemi",
    "mori-haruka",  # no PIN: the visual check (目視)
)


def demo_cards(cards_dir: Path | None = None) -> VirtualCards:
    folder = cards_dir or paths.fixtures_dir() / "cards"
    keys = KeyStore.for_cards(folder, paths.cache_dir() / "card-keys")
    return VirtualCards.from_folder(folder, DEMO_CARDS, keys)


def demo_manager(
    folder: Path, configured: ManagerConfig | None
) -> tuple[SealFunction, ManagerAccess] | None:
    """A manager of the demo's own in ``folder``, unless this computer has one (a PIN
    in the configuration or a manager key): then the demo seals for that one."""
    if (configured is not None and configured.pin_hash is not None) or key_file_path().exists():
        return None
    key_path = folder / KEY_FILE_NAME
    # the demo's key protects only the demo's throw-away flags: a light key derivation
    new_manager_key(DEMO_MANAGER_PIN, scrypt_n=2**10).save(key_path)
    sealer = load_sealer(key_path)
    assert sealer is not None

    def seal(insurer_reference: str, linked_record_ref: str, certificate_sha256: str) -> str | None:
        if not insurer_reference:
            return None
        reference = SealedReference(
            insurer_reference=insurer_reference, linked_record_ref=linked_record_ref
        )
        return sealer.seal(reference, certificate_sha256)

    base = configured or ManagerConfig()
    settings = base.model_copy(update={"pin_hash": hash_pin(DEMO_MANAGER_PIN, log_n=10)})
    return seal, ManagerAccess(settings=settings, key_path=key_path, demo_pin=DEMO_MANAGER_PIN)


async def build_demo_services(
    *,
    card_source: CardSourceName | None = None,
    desk_id: str = DEMO_DESK_ID,
    manager: ManagerConfig | None = None,
    idle_lock_seconds: float | None = None,
    options: DeskOptions | None = None,
    gateway: GatewaySource | None = None,
) -> DeskServices:
    """Everything the demo desk needs; ``DeskServices.stop()`` undoes it all.

    ``options`` (the desk id, the idle lock, a recording) replace the defaults;
    ``gateway`` replaces the embedded gateway (the simulated 資格確認端末).
    """
    source: CardSourceName = card_source or (
        "pcscd" if await asyncio.to_thread(vpcd_available) else "in_process"
    )
    cards = demo_cards()
    card_side = (
        VpcdCards(cards)
        if source == "pcscd"
        else InProcessCards(cards, IN_PROCESS_READER, card_source="in_process")
    )
    chosen = options or DeskOptions(
        kind="demo", desk_id=desk_id, idle_lock_seconds=idle_lock_seconds
    )
    return await assemble_desk(
        card_side,
        gateway or EmbeddedGateway(),
        TemporaryCache(
            chosen.desk_id, word="unlocked", manager=lambda folder: demo_manager(folder, manager)
        ),
        chosen,
    )
