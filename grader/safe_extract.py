"""Unpack an LMS's "download all submissions" (a zip or a folder) into a scratch folder, refusing what is unsafe.

Student files are untrusted. nbgrader's own `ExtractorPlugin` unpacks with setuptools' `unpack_archive`, which
skips a zip-slip name without saying so, has no size or member-count limit, and copies into a folder it first
clears. `SafeExtractor` keeps nbgrader's plugin interface (`extract(archive_path, extracted_path)`, a zip inside
the zip unpacked into a folder named after it) and adds what a class's download needs: every refusal is recorded
with its reason, nothing is followed or written outside the scratch folder, and the download is only read.
"""
from __future__ import annotations

import os
import stat
import zipfile
from datetime import datetime
from pathlib import Path, PurePosixPath

from nbgrader.plugins import ExtractorPlugin
from traitlets import Int, List, Unicode

__all__ = ["SafeExtractor"]


class SafeExtractor(ExtractorPlugin):
    """nbgrader's extractor plugin, with limits, for untrusted downloads (settings: c.SafeExtractor.*)."""

    max_bytes = Int(2 * 1024**3, help="Most bytes unpacked from one download, nested zips included.").tag(config=True)
    max_member_bytes = Int(200 * 1024**2, help="Most bytes of one file in the download.").tag(config=True)
    max_members = Int(20_000, help="Most files and folders in one download, nested zips included.").tag(config=True)
    max_depth = Int(3, help="How deep zips inside zips are unpacked.").tag(config=True)
    zip_ext = List([".zip"], help="Archive extensions unpacked (only zip: tar can hold device files).").tag(config=True)
    kept_ext = List([".ipynb", ".txt"], help="Other files copied; everything else is refused.").tag(config=True)
    source = Unicode("", help="Set by extract(): the download, as the instructor named it.")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.refused: list[str] = []  # "<name in the download>: <reason>"
        self.times: dict[str, datetime] = {}  # extracted path (relative) -> time the zip records for it
        self._bytes = 0
        self._members = 0
        self._top = Path()

    def extract(self, archive_path: str, extracted_path: str) -> None:
        """Unpack `archive_path` (a zip file or a folder) into `extracted_path`, which must be empty."""
        source, target = Path(archive_path), Path(extracted_path)
        target.mkdir(parents=True, exist_ok=True)
        if any(target.iterdir()):
            raise ValueError(f"{target} is not empty; extraction needs an empty scratch folder.")
        self.source, self._top = str(source), target
        if source.is_dir():
            self._copy_folder(source, target)
        else:
            self._unzip(source, target, source.name, depth=1)

    def _refuse(self, name: str, reason: str) -> None:
        self.refused.append(f"{name}: {reason}")

    def _count(self, name: str, size: int) -> bool:
        self._members += 1
        self._bytes += size
        if self._members > self.max_members:
            self._refuse(name, f"more than {self.max_members} files in the download (a zip bomb?); the rest is not read")
            return False
        if size > self.max_member_bytes or self._bytes > self.max_bytes:
            self._refuse(name, f"too large ({size} bytes; limits: {self.max_member_bytes} per file, "
                               f"{self.max_bytes} in all): a zip bomb?")
            return False
        return True

    def _copy_folder(self, source: Path, target: Path) -> None:
        for folder, folders, files in os.walk(source):  # os.walk does not follow links to folders
            for name in sorted([*folders, *files]):
                path = Path(folder) / name
                shown = str(path.relative_to(source))
                info = path.lstat()
                if stat.S_ISDIR(info.st_mode):
                    continue
                if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
                    self._refuse(shown, "a link or special file, not followed")
                elif self._wanted(shown) and self._count(shown, info.st_size):
                    destination = target / path.relative_to(source)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    if path.suffix.lower() in self.zip_ext:
                        self._unzip(path, destination.with_suffix(""), shown, depth=1)
                    else:
                        destination.write_bytes(path.read_bytes())
                        self.times[destination.relative_to(target).as_posix()] = datetime.fromtimestamp(info.st_mtime)

    def _wanted(self, name: str) -> bool:
        suffix = PurePosixPath(name).suffix.lower()
        if suffix in self.zip_ext or suffix in self.kept_ext:
            return True
        self._refuse(name, "not a notebook (.ipynb) or a zip; not collected")
        return False

    def _unzip(self, archive: Path, target: Path, shown: str, depth: int, time: datetime | None = None) -> None:
        """Unpack one zip; files in a nested zip get the time the outer zip records for it (the LMS's, not the
        student's computer's)."""
        if depth > self.max_depth:
            return self._refuse(shown, f"a zip nested more than {self.max_depth} deep; not unpacked")
        try:
            with zipfile.ZipFile(archive) as zipped:
                members = zipped.infolist()
                for member in members:
                    self._unzip_member(zipped, member, target, f"{shown}/{member.filename}", depth, time)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as error:
            self._refuse(shown, f"not a readable zip ({error})")

    def _unzip_member(self, zipped: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, shown: str,
                      depth: int, time: datetime | None) -> None:
        name = member.filename
        if member.is_dir():
            return
        reason = _unsafe_name(name)
        if reason:
            return self._refuse(shown, reason + " (zip-slip)")
        if stat.S_ISLNK(member.external_attr >> 16):
            return self._refuse(shown, "a symbolic link stored in the zip; not followed")
        if not self._wanted(shown) or not self._count(shown, member.file_size):
            return
        destination = target.joinpath(*PurePosixPath(name).parts)
        if not destination.resolve().is_relative_to(target.resolve()):
            return self._refuse(shown, "it would be written outside the scratch folder (zip-slip)")
        destination.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        try:
            with zipped.open(member) as reader, open(destination, "xb") as writer:
                while chunk := reader.read(1 << 20):  # count what really comes out, not what the header claims
                    written += len(chunk)
                    if written > self.max_member_bytes or self._bytes - member.file_size + written > self.max_bytes:
                        break
                    writer.write(chunk)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as error:
            destination.unlink(missing_ok=True)
            return self._refuse(shown, f"could not be unpacked ({error}); a damaged or doctored zip entry")
        if written > self.max_member_bytes or self._bytes - member.file_size + written > self.max_bytes:
            destination.unlink()
            return self._refuse(shown, "unpacks to more than its header says, beyond the size limit (a zip bomb?)")
        self._bytes += written - member.file_size
        time = time or datetime(*member.date_time)
        if destination.suffix.lower() in self.zip_ext:
            inner = destination.with_name(destination.stem)
            self._unzip(destination, inner, shown, depth + 1, time)
            destination.unlink()
        else:
            self.times[destination.relative_to(self._top).as_posix()] = time


def _unsafe_name(name: str) -> str | None:
    """Why a zip member's name is unsafe to write (absolute, `..`, a backslash or drive letter, a NUL), or None."""
    if "\x00" in name:
        return "a file name with a NUL character"
    if "\\" in name or (len(name) > 1 and name[1] == ":"):
        return "a file name with a Windows path separator or drive letter"
    path = PurePosixPath(name)
    if path.is_absolute():
        return "an absolute path"
    if ".." in path.parts:
        return "a path with '..'"
    return None
