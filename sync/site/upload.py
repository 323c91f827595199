"""Deploy a theme to HubSpot's design manager: plan from content hashes, validate, upload, prune.

Uploading a whole theme on every change wastes the account's rate limit and
hides what changed. A local manifest per account and environment remembers the
SHA-256 of each file at its last upload and the ``hash`` HubSpot reported, so
only edited files go up, and a file changed in the design manager since then is
uploaded again. Publishing validates every file first, locally and with
HubSpot's validator, and uploads nothing if any is rejected.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sync.errors import InputError, InputErrors

EXCLUDED_NAMES = frozenset({"brand.yml", "README.md", "package.json", "package-lock.json"})
EXCLUDED_SUFFIXES = frozenset({".md", ".yml", ".yaml", ".pyc"})


class SourceFiles(Protocol):
    """The design manager files of one environment (``sync.hubspot.source_code.SourceCode``)."""

    environment: str

    def upload(self, remote_path: str, local_file: Path) -> dict[str, Any]: ...

    def validate(self, remote_path: str, local_file: Path) -> list[str]: ...

    def delete(self, remote_path: str) -> None: ...

    def list_files(self, folder: str) -> dict[str, str]: ...


@dataclass(frozen=True)
class LocalFile:
    """A file to deploy: its design-manager path, where it is, and its content hash."""

    remote: str
    local: Path
    sha256: str


@dataclass
class UploadPlan:
    """What an upload will do; ``--dry-run`` prints exactly this."""

    environment: str
    dest: str
    upload: list[LocalFile] = field(default_factory=list)
    unchanged: list[LocalFile] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)


@dataclass
class UploadReport:
    """What happened: the plan, and whether it was applied."""

    plan: UploadPlan
    applied: bool
    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)


def theme_files(theme_dir: Path, dest: str, modules_dirs: Iterable[Path] = ()) -> list[LocalFile]:
    """Every deployable file under ``dest/``: the theme, then merged modules under ``modules/``.

    The theme's own ``modules/x.module`` wins over a merged one of the same name.
    """
    found: dict[str, Path] = {}
    roots = [(Path(theme_dir), ""), *((Path(d), "modules/") for d in modules_dirs)]
    for root, prefix in roots:
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if path.is_file() and not _excluded(relative):
                found.setdefault(f"{dest.strip('/')}/{prefix}{relative.as_posix()}", path)
    return [LocalFile(remote, path, _sha256(path)) for remote, path in sorted(found.items())]


def _excluded(relative: Path) -> bool:
    return (relative.name in EXCLUDED_NAMES or relative.suffix in EXCLUDED_SUFFIXES
            or any(part.startswith(".") or part == "__pycache__" for part in relative.parts))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def plan_upload(files: list[LocalFile], manifest: dict[str, dict[str, str]],
                remote: dict[str, str] | None, *, environment: str, dest: str,
                prune: bool) -> UploadPlan:
    """Decide per file: upload, leave, or delete. Pure; ``remote`` is path → HubSpot hash.

    A file is unchanged when its SHA-256 matches the manifest and (if the remote
    listing is known) HubSpot still holds the hash recorded at that upload.
    """
    plan = UploadPlan(environment, dest)
    for file in files:
        known = manifest.get(file.remote)
        same_local = known is not None and known.get("sha256") == file.sha256
        same_remote = remote is None or (
            file.remote in remote and remote[file.remote] == (known or {}).get("hash"))
        (plan.unchanged if same_local and same_remote else plan.upload).append(file)
    if prune:
        local = {f.remote for f in files}
        existing = remote.keys() if remote is not None else manifest.keys()
        plan.delete = sorted(p for p in existing
                             if p not in local and p.startswith(dest.strip("/") + "/"))
    return plan


class Manifest:
    """``{remote path: {sha256, hash}}`` of the last upload to one account and environment."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.files: dict[str, dict[str, str]] = {}
        if self.path.exists():
            try:
                self.files = json.loads(self.path.read_text(encoding="utf-8"))["files"]
            except (ValueError, KeyError) as exc:
                raise InputError(str(self.path), f"upload manifest unreadable: {exc}",
                                 "delete it; the next upload sends every file") from exc

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"files": self.files}, indent=2, sort_keys=True)
        self.path.write_text(text + "\n", encoding="utf-8")


def manifest_path(home: Path, account: str, environment: str) -> Path:
    """Where the manifest for one account and environment lives under hubshop's home."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in account) or "default"
    return Path(home) / "theme-uploads" / f"{safe}-{environment}.json"


def upload_theme(theme_dir: Path, files_api: SourceFiles, *, dest: str, manifest: Manifest,
                 modules_dirs: Iterable[Path] = (), prune: bool = False,
                 dry_run: bool = False) -> UploadReport:
    """Validate, plan and (unless ``dry_run``) apply an upload of ``theme_dir`` to ``dest``.

    Raises:
        InputErrors: the theme fails local validation, or (when publishing)
            HubSpot's validator rejects a file; nothing has been uploaded then.
    """
    from sync.site.validate import validate_theme

    modules_dirs = list(modules_dirs)
    problems = validate_theme(theme_dir, modules_dirs)
    if problems:
        raise InputErrors(problems)
    files = theme_files(theme_dir, dest, modules_dirs)
    remote = files_api.list_files(dest)
    plan = plan_upload(files, manifest.files, remote, environment=files_api.environment,
                       dest=dest, prune=prune)
    report = UploadReport(plan, applied=not dry_run)
    if dry_run:
        return report
    if files_api.environment == "published":
        rejected = [InputError(f"{f.local} ({f.remote})", message)
                    for f in plan.upload for message in files_api.validate(f.remote, f.local)]
        if rejected:
            raise InputErrors(rejected)
    try:
        for file in plan.upload:
            answer = files_api.upload(file.remote, file.local)
            manifest.files[file.remote] = {"sha256": file.sha256,
                                           "hash": str(answer.get("hash") or "")}
            report.uploaded.append(file.remote)
        for remote_path in plan.delete:
            files_api.delete(remote_path)
            manifest.files.pop(remote_path, None)
            report.deleted.append(remote_path)
    finally:
        manifest.save()
    return report
