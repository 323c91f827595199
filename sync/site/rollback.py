"""Theme uploads with one step of history: ``theme rollback`` re-uploads the previous release.

The upload manifest records what is live (``{remote path: {sha256, hash}}``).
Each upload that changes something keeps the manifest it replaced beside it
(``*.previous.json``) and a copy of every file it sent, by content hash, under
``theme-uploads/blobs/``. A rollback uploads the previous release's files whose
content differs from what is live, deletes files the previous release did not
have, and swaps the two manifests, so a second rollback goes forward again.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync.errors import InputError
from sync.site.upload import Manifest, SourceFiles, UploadReport, upload_theme


def previous_path(manifest: Manifest) -> Path:
    """Where the manifest of the release before the current one is kept."""
    return manifest.path.with_name(manifest.path.stem + ".previous.json")


def blobs_dir(manifest: Manifest) -> Path:
    """Copies of uploaded files by sha256, shared by every account and environment."""
    return manifest.path.parent / "blobs"


def upload_keeping_history(theme_dir: Path, files_api: SourceFiles, *, dest: str,
                           manifest: Manifest, modules_dirs: Iterable[Path] = (),
                           prune: bool = False, dry_run: bool = False) -> UploadReport:
    """:func:`~sync.site.upload.upload_theme`, keeping what a rollback needs when files change."""
    before = {k: dict(v) for k, v in manifest.files.items()}
    report = upload_theme(theme_dir, files_api, dest=dest, manifest=manifest,
                          modules_dirs=modules_dirs, prune=prune, dry_run=dry_run)
    if dry_run or not (report.uploaded or report.deleted):
        return report
    if before:  # the first upload has no release before it to go back to
        _write_manifest(previous_path(manifest), before)
    store = blobs_dir(manifest)
    store.mkdir(parents=True, exist_ok=True)
    for file in report.plan.upload:
        if file.remote in report.uploaded and not (store / file.sha256).exists():
            shutil.copyfile(file.local, store / file.sha256)
    return report


@dataclass
class RollbackReport:
    """What a rollback re-uploaded and deleted (or, dry, would)."""

    environment: str
    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"environment": self.environment, "uploaded": len(self.uploaded),
                "deleted": len(self.deleted), "files": {"uploaded": self.uploaded,
                                                        "deleted": self.deleted},
                "dry_run": self.dry_run}


def rollback_theme(files_api: SourceFiles, manifest: Manifest, *,
                   dry_run: bool = False) -> RollbackReport:
    """Make the design manager hold the previous release again, then swap the manifests.

    Raises:
        InputError: no previous release is kept, or a file of it has no kept copy.
    """
    kept = previous_path(manifest)
    if not kept.exists():
        raise InputError(str(kept), "no previous theme upload is kept",
                         "a rollback needs two uploads made by this version of hubshop")
    previous = Manifest(kept).files
    store = blobs_dir(manifest)
    changed = sorted(p for p, meta in previous.items()
                     if (manifest.files.get(p) or {}).get("sha256") != meta.get("sha256"))
    lost = [p for p in changed if not (store / previous[p]["sha256"]).exists()]
    if lost:
        raise InputError(lost[0], f"no copy of {len(lost)} file(s) of the previous release is "
                         "kept", "re-upload that release from its source instead")
    extra = sorted(p for p in manifest.files if p not in previous)
    report = RollbackReport(files_api.environment, dry_run=dry_run)
    if dry_run:
        report.uploaded, report.deleted = changed, extra
        return report
    current = {k: dict(v) for k, v in manifest.files.items()}
    try:
        for remote in changed:
            answer = files_api.upload(remote, store / previous[remote]["sha256"])
            manifest.files[remote] = {"sha256": previous[remote]["sha256"],
                                      "hash": str(answer.get("hash") or "")}
            report.uploaded.append(remote)
        for remote in extra:
            files_api.delete(remote)
            manifest.files.pop(remote, None)
            report.deleted.append(remote)
    finally:
        manifest.save()
    _write_manifest(kept, current)
    return report


def _write_manifest(path: Path, files: dict[str, dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"files": files}, indent=2, sort_keys=True) + "\n",
                    encoding="utf-8")
