"""How the desk reaches a clinic's 資格確認端末 (the file-exchange backend's settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from clinic_desk import paths
from clinic_desk.eligibility.settings import GatewaySection
from clinic_desk.oqs import fields as f
from clinic_desk.oqs.xmlsafe import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, Limits, codec_for


class OqsSettings(BaseModel):
    """The terminal's shared folder and how to talk through it.

    Open implementations disagree on the request encoding and on how a 6-digit
    insurer number is padded to 8 characters: both are settings. Answers are read in
    the encoding they declare; ``encoding`` is used for requests and for answers that
    declare none.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    root: Path = Field(description="the terminal's folder holding req/, res/ and face/")
    medical_institution_code: str = Field(pattern=r"^[0-9]{10}$")
    encoding: Literal["utf-8", "shift_jis"] = "utf-8"
    insurer_padding: Literal["space", "zero"] = Field(
        default="space", description="how a 6-digit insurer number is padded to 8 characters"
    )
    desk_id: str = Field(
        default="desk",
        pattern=r"^[A-Za-z0-9]{1,8}$",
        description="goes into every file id, so desks sharing one terminal never collide",
    )
    lookup_timeout: float = Field(default=30.0, gt=0, le=600)
    medication_timeout: float = Field(default=60.0, gt=0, le=600)
    poll_interval: float = Field(
        default=0.05, gt=0, le=5, description="seconds between looks at res/ and face/"
    )
    settle_seconds: float = Field(
        default=0.0,
        ge=0,
        le=10,
        description="an answer counts as complete once unchanged this long (0: two equal "
        "looks a poll apart)",
    )
    unreadable_grace: float = Field(
        default=1.0,
        gt=0,
        le=30,
        description="an answer that does not parse is given up only after it has not "
        "changed for this long (a writer may have paused)",
    )
    max_response_bytes: int = Field(default=DEFAULT_MAX_BYTES, ge=4096, le=256 * 1024 * 1024)
    max_depth: int = Field(default=DEFAULT_MAX_DEPTH, ge=4, le=64)
    file_mode: int = Field(
        default=0o660,
        ge=0o600,
        le=0o666,
        description="mode of request files (the terminal's account must read them)",
    )
    archive_dir: Path | None = Field(
        default=None, description="where processed files go (default: the desk's data folder)"
    )
    journal_path: Path | None = Field(
        default=None, description="the record of sent requests (default: the desk's data folder)"
    )

    @property
    def request_dir(self) -> Path:
        return self.root / f.REQUEST_DIR

    @property
    def response_dir(self) -> Path:
        return self.root / f.RESPONSE_DIR

    @property
    def face_dir(self) -> Path:
        return self.root / f.FACE_DIR

    @property
    def codec(self) -> str:
        return codec_for(self.encoding)

    @property
    def limits(self) -> Limits:
        return Limits(max_bytes=self.max_response_bytes, max_depth=self.max_depth)

    def archive_folder(self) -> Path:
        return self.archive_dir or paths.data_dir() / "oqs-archive"

    def journal_file(self) -> Path:
        return self.journal_path or paths.data_dir() / "oqs-journal.jsonl"


GatewayKind = Literal["https", "oqs-files"]


class DeskGateway(GatewaySection):
    """``[gateway]``: which backend the desk asks, and how.

    ``kind = "https"`` (the default): the eligibility gateway API at ``base_url``.
    ``kind = "oqs-files"``: the clinic's 資格確認端末 through its shared folder, set in
    ``[gateway.oqs]`` (root, medical_institution_code, encoding, insurer_padding,
    timeouts; see docs/oqs-files.md). The desk, ``doctor``, re-verification and the
    review work the same with either.
    """

    kind: GatewayKind = Field(
        default="https",
        description="https: the eligibility gateway API; oqs-files: the clinic's "
        "資格確認端末 folder ([gateway.oqs])",
    )
    oqs: OqsSettings | None = Field(
        default=None, description="the 資格確認端末's folder and the clinic's code (oqs-files)"
    )

    @property
    def files(self) -> bool:
        return self.kind == "oqs-files"

    def backend_problems(self) -> list[tuple[str, str]]:
        """(key, why) for the backend choice: oqs-files needs its section."""
        if not self.files:
            return []
        if self.oqs is None:
            return [
                (
                    "oqs",
                    "is required when gateway.kind is 'oqs-files': the 資格確認端末's folder "
                    "(root) and the clinic's medical_institution_code",
                )
            ]
        if not self.oqs.root.is_absolute():
            return [("oqs.root", f"{str(self.oqs.root)!r} must be an absolute path")]
        return []
