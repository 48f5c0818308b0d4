"""The zero-disclosure search on a desk whose backend is the 資格確認端末: three
records that must never be shown — a face result about someone else, a number lookup
whose record is someone else's, a 薬剤情報 answer about someone else — go through a
desk with the production's evidence store (a real SQLCipher file), the simulator in
another process and logging at DEBUG. Then every screen, the log and every file the
desk left (its data, the journal, the archive, the terminal's folder) are searched for
what those records hold, in UTF-8 and in Shift_JIS."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from clinic_desk import paths
from clinic_desk.app.app import DeskApp
from clinic_desk.app.screens.face import FaceScreen
from clinic_desk.checkin import Stage
from clinic_desk.logs import LOG_FILE, configure_logging
from clinic_desk.services.assembly import DeskOptions, assemble_desk
from clinic_desk.services.demo import IN_PROCESS_READER, demo_world
from clinic_desk.services.evidence import EvidenceArchiver
from clinic_desk.services.production import PreparedCache
from clinic_desk.services.terminal import TerminalGateway
from clinic_desk.services.virtual_cards import InProcessCards
from offline_cache import OfflineCache
from tests.desk.conftest import SIZE, Desk
from tests.oqs.conftest import Terminal, cli, make_settings
from tests.paths.test_path_desk import OGAWA_RECORD, SUZUKI_RECORD, _fill_numbers
from tests.support.leaks import leaked

HALF_WIDTH = ("ｽｽﾞｷ", "ｵｶﾞﾜ")
SECRETS = (*SUZUKI_RECORD, *OGAWA_RECORD, *HALF_WIDTH)


async def _face(desk: Desk, root: Path, patient: str, kana: str, birthdate: str) -> None:
    done = cli("oqs-terminal", "face", str(root), "--patient", patient)
    assert done.returncode == 0, done.stderr
    for _ in range(1500):  # the watcher polls the folder
        if isinstance(desk.app.screen, FaceScreen):
            break
        await desk.pilot.pause(0.02)
    assert isinstance(desk.app.screen, FaceScreen)
    await desk.press(*kana, "enter", *birthdate, "enter")
    await desk.confirm_identity(birthdate)


async def _next(desk: Desk) -> None:
    await desk.wait_for(Stage.WITHHELD)
    await desk.press("d")
    await desk.wait_for(Stage.WAITING_FOR_CARD)


def _files(*folders: Path) -> list[Path]:
    return [p for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file()]


def _in_bytes(data: bytes) -> list[str]:
    found = []
    for value in SECRETS:
        for codec in ("utf-8", "cp932"):
            try:
                encoded = value.encode(codec)
            except UnicodeEncodeError:
                continue
            if not value.isdigit() and encoded in data:
                found.append(f"{value} ({codec})")
    return found


async def test_nothing_of_three_withheld_records_is_left_anywhere(
    tmp_path: Path, root: Path, cache: OfflineCache, terminal: Callable[..., Terminal]
) -> None:
    terminal("mislink:p-suzuki-ichiro@medication")
    settings = make_settings(
        root, archive_dir=tmp_path / "archive", journal_path=tmp_path / "journal.jsonl"
    )
    archiver = EvidenceArchiver(cache, desk_id="desk", quarantine=settings.archive_folder())
    cards, _dataset = demo_world()
    services = await assemble_desk(
        InProcessCards(cards, IN_PROCESS_READER, card_source="in_process"),
        TerminalGateway(settings, archiver=archiver),
        PreparedCache(cache),
        DeskOptions(kind="demo", desk_id="desk"),
    )
    handler = configure_logging("DEBUG")
    app = DeskApp(services, lang="ja")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            desk = Desk(app, services, pilot)
            # 1. the face reader's result is Suzuki's; the patient is Yamada
            await _face(desk, root, "p-suzuki-ichiro", "ヤマダ タロウ", "19800401")
            await _next(desk)
            # 2. Ogawa's numbers, but the patient states another name
            await desk.press("b")
            await desk.wait_for(Stage.NUMBER_ENTRY)
            await _fill_numbers(desk, "06139992", "ミナト12", "3456", "01", "1990-07-07", "佐藤 健")
            await desk.press("enter")
            await desk.confirm_identity("19900707")
            await _next(desk)
            # 3. Yamada at the face reader, but the 薬剤情報 answer is Suzuki's
            await _face(desk, root, "p-yamada-taro", "ヤマダ タロウ", "19800401")
            await _next(desk)
            flags = sorted(f.reason for f in cache.flags.find())
            kept = len(cache.evidence.listing())
    finally:
        await services.stop()
        logging.getLogger().removeHandler(handler)
        handler.close()
    assert flags == ["birthdate_mismatch", "name_mismatch", "name_mismatch"]
    assert kept >= 6  # every request and answer, in the encrypted store
    for i, screen in enumerate(desk.screens):
        assert not leaked(screen, SECRETS), f"on screen {i}"
    log_text = (paths.log_dir() / LOG_FILE).read_text(encoding="utf-8")
    assert not leaked(log_text, SECRETS), "in the log"
    assert _files(root) == []  # the terminal's folder: nothing left behind
    left = _files(tmp_path, paths.data_dir(), paths.cache_dir(), paths.log_dir())
    assert left, "the desk's files were searched"
    for path in left:
        assert not _in_bytes(path.read_bytes()), path
