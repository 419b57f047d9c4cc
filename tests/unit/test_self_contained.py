"""The repository is self-contained: no file in it points at notes that live outside it.

The rules are `docs/rules.md` (generated from the rule pack), the contract is the OpenAPI document
`functions/docs/openapi.json` (served at `/v1/docs`), the local runtime's guide is `local/README.md`.
A file that cites anything else sends a newcomer to something they do not have."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Spelled in pieces so that this file does not match itself.
OUTSIDE_NAMES = tuple(
    stem + suffix
    for stem, suffix in (
        ("../", "shared"),
        ("API", ".md"),
        ("RULES", ".md"),
        ("regulation-research", ".md"),
        ("ARCHITECTURE", ".md"),
        ("local-runtime-findings", ".md"),
    )
)


def repository_files() -> list[Path]:
    """Every file git tracks or would track (untracked but not ignored), so a new file counts too."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode()
    return [ROOT / name for name in listing.split("\0") if name and (ROOT / name).is_file()]


def references_outside(files: list[Path], root: Path = ROOT) -> list[str]:
    found = []
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            found.extend(f"{path.relative_to(root)}:{number}: {name}" for name in OUTSIDE_NAMES if name in line)
    return found


def test_the_listing_covers_the_repository() -> None:
    # Guard against a vacuous pass: the listing sees the files a reference would most likely hide in
    names = {p.relative_to(ROOT).as_posix() for p in repository_files()}
    assert {"README.md", "functions/docs/openapi.json", "docs/rules.md", "local/README.md"} <= names


def test_no_file_refers_to_notes_outside_the_repository() -> None:
    assert references_outside(repository_files()) == []


def test_the_check_finds_a_reference(tmp_path: Path) -> None:
    # Given a file that cites one of the outside names, Then the check reports the file, line and name
    probe = tmp_path / "notes.md"
    probe.write_text(f"first line\nsee {OUTSIDE_NAMES[1]} for the contract\n")
    assert references_outside([probe], root=tmp_path) == [f"notes.md:2: {OUTSIDE_NAMES[1]}"]
