"""What a stored file is: its format as siegfried identifies it, and its checksum."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from pathlib import Path


def identify_contents(contents: dict[str, bytes]) -> dict[str, tuple[str, str]]:
    """PUID and format name of each file, as siegfried identifies the exact bytes.

    Each file is identified under its archive name, since siegfried also weighs the extension.
    """
    with tempfile.TemporaryDirectory(prefix="dtz-letters-identify-") as tmp:
        result = {}
        for name, data in contents.items():
            path = Path(tmp) / name
            path.write_bytes(data)
            result[name] = identify(path)
        return result


def identify(path: Path) -> tuple[str, str]:
    """(PUID, format name) of ``path`` by siegfried; ``("UNKNOWN", "")`` when it has none."""
    import pygfried

    result = pygfried.identify(str(path), detailed=True)
    matches = result["files"][0]["matches"] if result["files"] else []
    if not matches or not matches[0]["id"] or matches[0]["id"] == "UNKNOWN":
        return "UNKNOWN", ""
    match = matches[0]
    label = " ".join(p for p in (match["format"], match["version"]) if p)
    return match["id"], label


def checksum_time() -> dt.datetime:
    """When checksums are recorded: SOURCE_DATE_EPOCH if set (reproducible runs), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
