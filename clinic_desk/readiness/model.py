"""The readiness report: one result per check, in order."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from clinic_desk.texts.keys import TextKey
from clinic_desk.texts.said import Finding, Said


class CheckStatus(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIPPED = "skipped"


TITLES = {
    "config": "configuration",
    "service": "smart-card service",
    "reader": "card reader",
    "virtual": "real (not virtual) reader",
    "gateway": "eligibility gateway",
    "cache": "offline cache",
    "disk": "disk space",
    "logs": "log folder",
}

# each check's name as the desk says it, in the catalogue
CHECK_NAMES: dict[str, TextKey] = {
    "config": "ready.check.config",
    "service": "ready.check.service",
    "reader": "ready.check.reader",
    "virtual": "ready.check.virtual",
    "gateway": "ready.check.gateway",
    "cache": "ready.check.cache",
    "disk": "ready.check.disk",
    "logs": "ready.check.logs",
}


class CheckResult(BaseModel):
    """One line of the readiness report."""

    model_config = ConfigDict(frozen=True)

    key: str  # config, service, reader, virtual, gateway, cache, disk, logs
    title: str
    status: CheckStatus
    detail: str
    fix: str = ""
    # clock skew of the desk against the gateway (desk minus gateway), when measured
    skew_seconds: float | None = None
    # the finding as the desk says it (catalogue, both languages); not in doctor's JSON
    said: Said | None = Field(default=None, exclude=True)

    @property
    def blocking(self) -> bool:
        """True when a check-in cannot go ahead because of this check."""
        return self.status in (CheckStatus.FAIL, CheckStatus.SKIPPED)

    def finding(self) -> Finding:
        """The check's name and what it found, for the desk's status line."""
        said = self.said or Said.of("ready.problem")
        return Finding(check=CHECK_NAMES[self.key], said=said)

    def line(self) -> str:
        text = f"[{self.status.value.upper():>7}] {self.title}: {self.detail}"
        return f"{text}\n          fix: {self.fix}" if self.fix else text


class Readiness(BaseModel):
    """Every check, in order."""

    model_config = ConfigDict(frozen=True)

    mode: str
    results: tuple[CheckResult, ...]
    reader_name: str | None = None  # the reader the checks chose, when one was

    @property
    def ready(self) -> bool:
        return not any(r.blocking for r in self.results)

    def not_ready(self) -> list[CheckResult]:
        """The checks a receptionist should hear about (failures and warnings)."""
        return [r for r in self.results if r.status is not CheckStatus.OK]

    def get(self, key: str) -> CheckResult:
        return next(r for r in self.results if r.key == key)


def result(
    key: str, status: CheckStatus, detail: str, fix: str = "", said: Said | None = None
) -> CheckResult:
    """One check's result; ``said`` is what the desk shows of it (OK results need none)."""
    return CheckResult(key=key, title=TITLES[key], status=status, detail=detail, fix=fix, said=said)
