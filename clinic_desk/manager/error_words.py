"""The offline cache's and the manager's errors in the reader's language.

The errors carry an English sentence; a Japanese screen or command line says the
sentence of the error's kind from the catalogue instead. ``None`` for an error of
a kind without one (the caller says it as it is).
"""

from __future__ import annotations

from clinic_desk.manager import errors
from clinic_desk.texts import Lang, t
from clinic_desk.texts.keys import TextKey
from offline_cache import errors as cache_errors

# most specific first: the first kind the error is an instance of is said
_KINDS: tuple[tuple[type[Exception], TextKey], ...] = (
    (cache_errors.WrongPassphrase, "failure.cache.wrong_passphrase"),
    (cache_errors.CacheMissing, "failure.cache.missing"),
    (cache_errors.CacheExists, "failure.cache.exists"),
    (cache_errors.CacheLocked, "failure.cache.locked"),
    (cache_errors.WeakPassphrase, "failure.cache.weak_passphrase"),
    (cache_errors.CacheCorrupt, "failure.cache.corrupt"),
    (cache_errors.CacheTooNew, "failure.cache.too_new"),
    (cache_errors.CacheDiskFull, "failure.cache.disk_full"),
    (cache_errors.CacheWriteFailed, "failure.cache.write_failed"),
    (cache_errors.CacheInUse, "failure.cache.in_use"),
    (cache_errors.NotFound, "failure.cache.not_found"),
    (cache_errors.InvalidTransition, "failure.cache.invalid_transition"),
    (errors.PinNotSet, "cli.review.no_pin"),
    (errors.PinHashUnreadable, "failure.manager.pin_hash_unreadable"),
    (errors.ManagerKeyMissing, "failure.manager.key_missing"),
    (errors.ManagerKeyDamaged, "failure.manager.key_damaged"),
    (errors.ManagerKeyWrongPin, "failure.manager.key_wrong_pin"),
    (errors.SealBroken, "failure.manager.seal_broken"),
    (errors.ReferencesUnreadable, "failure.manager.references_unreadable"),
    (errors.PinFormatError, "failure.manager.pin_format"),
    (errors.ConfigWriteError, "failure.manager.config_write"),
)

_PROBLEMS: dict[str, TextKey] = {
    "contact_required": "review.error.contact_required",
    "future_date": "review.error.future_date",
    "note_required": "review.error.note_required",
    "file_exists": "review.error.file_exists",
    "no_folder": "review.error.no_folder",
    "cannot_write": "review.error.cannot_write",
    "locked": "review.error.locked",
}


def error_words(exc: BaseException, lang: Lang) -> str | None:
    """The error in ``lang``: its own words in English, the catalogue's in Japanese."""
    if isinstance(exc, errors.ReviewInputError):
        return t(_PROBLEMS[exc.problem], lang, path=exc.path or "", reason=exc.reason)
    if lang == "en":
        return str(exc)
    for kind, key in _KINDS:
        if isinstance(exc, kind):
            return t(key, lang)
    return None
