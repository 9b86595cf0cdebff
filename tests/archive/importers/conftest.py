from collections.abc import Callable
from pathlib import Path

import pytest

from archive.importers import (
    ImportDefaults,
    ImportInput,
    ImportOptions,
    ImportReport,
    run_import,
)
from archive.importers.detect import Decoded, sniff

DATA = Path(__file__).parent / "data"
SEEDS = DATA / "seeds"


def decoded_text(text: str, name: str = "capture.txt") -> Decoded:
    """A text as the importer sees it after reading a file."""
    return Decoded(name=name, data=text.encode(), text=text, format=sniff(text, name))


def text_input(text: str | bytes, name: str) -> ImportInput:
    data = text if isinstance(text, bytes) else text.encode()
    return ImportInput(name=name, size=len(data), read=lambda: data)


@pytest.fixture
def import_files() -> Callable[..., ImportReport]:
    """Import paths or inputs with the given defaults and switches; return the report."""

    def run(
        *items,
        update=False,
        dry_run=False,
        batch_size=100,
        on_progress=None,
        **defaults,
    ):
        inputs = [
            item if isinstance(item, ImportInput) else ImportInput.from_path(item)
            for item in items
        ]
        if "tags" in defaults:
            defaults["tags"] = tuple(defaults["tags"])
        options = ImportOptions(
            defaults=ImportDefaults(**defaults),
            update=update,
            dry_run=dry_run,
            batch_size=batch_size,
        )
        return run_import(inputs, options, on_progress=on_progress)

    return run
