"""Tasks for the worker tests: each run appends a line to $RECORD_FILE."""

import os
import time

from archive.jobs import task


@task()
def record(label: str = "periodic", seconds: float = 0.0) -> str:
    """Append "label worker-pid" to the record file, after sleeping a little."""
    time.sleep(seconds)
    with open(os.environ["RECORD_FILE"], "a") as out:
        out.write(f"{label} {os.getpid()}\n")
    return label


def recorded(path) -> list[tuple[str, str]]:
    """The (label, pid) lines written so far."""
    if not os.path.exists(path):
        return []
    with open(path) as lines:
        return [tuple(line.split()) for line in lines if line.strip()]
