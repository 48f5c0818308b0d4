"""The files a support fixture may name: in its own folder or in the shipped ``fixtures/``."""

from __future__ import annotations

from pathlib import Path

from clinic_desk import paths
from clinic_desk.scenarios.scenario import ScenarioError


class FixtureFiles:
    """The files a fixture may name: in its own folder or in the shipped ``fixtures/``.

    An absolute path, or a ``../`` (or a link) that leads anywhere else, is refused
    with one sentence, unless ``anywhere`` (``--allow-outside-paths``) says otherwise.
    """

    def __init__(self, fixture: Path | None, *, anywhere: bool = False) -> None:
        self.fixture = fixture
        self.anywhere = anywhere
        roots = [paths.fixtures_dir()]
        if fixture is not None:
            roots.insert(0, fixture.parent)
        self.roots = [root.resolve() for root in roots]

    @property
    def folder(self) -> Path | None:
        return self.fixture.parent if self.fixture is not None else None

    def allowed(self, path: Path) -> bool:
        if self.anywhere:
            return True
        resolved = path.resolve()
        return any(resolved.is_relative_to(root) for root in self.roots)

    def check(self, reference: str, path: Path, what: str) -> Path:
        """``path`` (what ``reference`` names) when it may be read; else ScenarioError."""
        if not self.anywhere and Path(reference).is_absolute():
            raise ScenarioError(self._refusal(reference, what, "an absolute path"))
        if not self.allowed(path):
            raise ScenarioError(self._refusal(reference, what, "outside the fixture's folder"))
        return path

    def _refusal(self, reference: str, what: str, why: str) -> str:
        where = f"The fixture {self.fixture}" if self.fixture else "The fixture"
        return (
            f"{where} names the {what} {reference!r}, {why}: a fixture may only use files in "
            "its own folder and in the shipped fixtures/ (--allow-outside-paths allows others)."
        )

    def near(self, reference: str, what: str) -> Path | None:
        """``reference`` next to the fixture, when it may be read there."""
        folder = self.folder
        if folder is None:
            return None
        return self.check(reference, folder / reference, what)

    def shipped(self, reference: str, what: str) -> Path:
        """``reference`` in the shipped ``fixtures/``, when it may be read there."""
        return self.check(reference, paths.fixtures_dir() / reference, what)
