"""The manager's review of flagged mismatches: one screen per mode.

``ReviewScreen`` (the manager PIN) owns the review; a right PIN opens the
``QueueScreen`` over it, and the queue opens the forms (``forms``) over itself.
"""

from __future__ import annotations

from textual.app import App

from clinic_desk.app.screens.review.pin import ReviewScreen
from clinic_desk.app.screens.review.queue import QueueScreen
from clinic_desk.config import ConfigError, load_settings
from clinic_desk.services.desk import DeskServices
from clinic_desk.services.store import CacheStorePort
from clinic_desk.texts import Lang, t
from offline_cache import OfflineCache

__all__ = ["QueueScreen", "ReviewScreen", "open_from_desk", "review_cache"]


def review_cache(app: App[None]) -> OfflineCache | None:
    """The cache the desk raises its flags in, when it has one."""
    services = getattr(app, "services", None)
    store = services.runner.store if isinstance(services, DeskServices) else None
    cache = store.cache if isinstance(store, CacheStorePort) else None
    return cache if isinstance(cache, OfflineCache) else None


def open_from_desk(app: App[None], lang: Lang) -> None:
    """Push the review over the desk, on the desk's own cache (F2 / M on the desk)."""
    cache = review_cache(app)
    if cache is None:
        app.notify(t("review.no_cache", lang), severity="error")
        return
    services = getattr(app, "services", None)
    manager = services.manager if isinstance(services, DeskServices) else None
    if manager is not None:  # the demo's own manager: its PIN is no secret
        if manager.demo_pin:
            app.notify(t("review.demo_pin", lang, pin=manager.demo_pin))
        app.push_screen(ReviewScreen(cache, manager.settings, lang=lang, key_path=manager.key_path))
        return
    try:
        settings = load_settings().manager
    except ConfigError as exc:
        app.notify(exc.message, severity="error")
        return
    app.push_screen(ReviewScreen(cache, settings, lang=lang))
