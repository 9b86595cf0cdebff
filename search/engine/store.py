"""Where the index lives on disk, and the locks around writing it.

The index folder holds one folder per index generation (a complete
Whoosh index built at one time) and a ``current`` symlink naming the one in
use. A rebuild fills a new folder and then repoints the symlink with one
atomic rename, so readers switch between two complete indexes; each reader
checks the link (one ``readlink``) before every search.

Every writer uses ``compound=False``: Whoosh copies each compound segment
into the heap of every process that opens it.
"""

import contextlib
import ctypes
import datetime
import fcntl
import json
import os
import secrets
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex
from whoosh.reading import SegmentReader

from search.engine.codec import ArchiveCodec
from search.engine.schema import build_schema

CURRENT = "current"
GENERATION_PREFIX = "gen-"
# Segments written beside the index (an import's), before a commit adopts them.
STAGING_PREFIX = ".staging-"
META_FILE = "search-meta.json"
_BUILD_LOCK = ".build.lock"
_SYNC_LOCK = "SYNC.lock"
_LOCK_POLL = 0.02


def current_path(base: Path, version: str) -> Path | None:
    """Return the folder of the index in use under ``base``, or None when there is none.

    An index built for another schema version counts as none: this code
    cannot read it, so searches say so and the next sync rebuilds it.
    """
    path = linked_path(base)
    if path is None or stored_version(path) != version:
        return None
    return path


def linked_path(base: Path) -> Path | None:
    """Return the folder the ``current`` link names, whatever its schema version."""
    try:
        target = os.readlink(base / CURRENT)
    except OSError:
        return None
    path = base / target
    return path if (path / META_FILE).exists() else None


def create_generation(base: Path, version: str) -> Path:
    """Create an empty index in a new folder of ``base`` (not yet current); return it."""
    base.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S")
    path = base / f"{GENERATION_PREFIX}{stamp}-{secrets.token_hex(3)}"
    path.mkdir()
    FileStorage(str(path)).create_index(build_schema())
    meta = {
        "schema_version": version,
        "created": datetime.datetime.now(datetime.UTC).isoformat(),
    }
    write_json(path / META_FILE, meta)
    return path


def create_staging(base: Path) -> Path:
    """Create an empty index for segments to be adopted later; return its folder.

    It lies in ``base`` beside the generations, so its files move into one
    with a rename. Folders that processes no longer running left behind
    (killed before they adopted or discarded their segments) are removed.
    """
    base.mkdir(parents=True, exist_ok=True)
    for path in base.glob(f"{STAGING_PREFIX}*"):
        pid = path.name.removeprefix(STAGING_PREFIX).split("-")[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
    path = base / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(3)}"
    path.mkdir()
    FileStorage(str(path)).create_index(build_schema())
    return path


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def make_current(path: Path) -> None:
    """Atomically make ``path`` the index in use."""
    base = path.parent
    temporary = base / f".{CURRENT}-{secrets.token_hex(4)}"
    os.symlink(path.name, temporary)
    os.replace(temporary, base / CURRENT)


def remove_generation(path: Path) -> None:
    """Delete one generation folder (a failed or superseded build)."""
    shutil.rmtree(path, ignore_errors=True)


def remove_other_generations(keep: Path) -> list[Path]:
    """Delete every generation folder except ``keep``; return what was removed.

    Processes that still have an old index open keep reading their open
    files (POSIX), and they move to ``keep`` at their next search.
    """
    removed = []
    for path in keep.parent.glob(f"{GENERATION_PREFIX}*"):
        if path.is_dir() and path.name != keep.name:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def open_index(path: Path) -> FileIndex:
    """Open the Whoosh index stored in ``path``."""
    return whoosh_index.open_dir(str(path))


def open_writer(ix: FileIndex, *, timeout: float, **options):
    """Return a segment writer, waiting at most ``timeout`` s (raises LockError)."""
    return ix.writer(
        timeout=timeout,
        delay=_LOCK_POLL,
        compound=False,
        codec=ArchiveCodec(),
        **options,
    )


# Fewer small segments than this are not worth a merge.
_MIN_MERGED = 4


def merge_policy(max_documents: int):
    """Return a Whoosh merge policy that merges only the smallest segments.

    Whoosh's default policy can decide, on any commit, to merge every
    segment of the index: minutes of work inside an admin's save. This one
    merges the smallest segments into the commit's new one when at least
    four of them hold ``max_documents`` documents or fewer together, and
    never touches the large segments a rebuild writes.
    """

    def merge_smallest(writer, segments):
        chosen, total = [], 0
        for segment in sorted(segments, key=lambda s: s.doc_count_all()):
            total += segment.doc_count_all()
            if total > max_documents:
                break
            chosen.append(segment)
        if len(chosen) < _MIN_MERGED:
            return segments
        for segment in chosen:
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        return [segment for segment in segments if segment not in chosen]

    return merge_smallest


def stored_version(path: Path) -> str | None:
    """Return the version (schema and layout) an index was built with, or None.

    Every search asks; the file is read again only when it is another file
    or was written again (its inode, size or time changed).
    """
    meta = path / META_FILE
    try:
        info = os.stat(meta)
        key = (info.st_ino, info.st_size, info.st_mtime_ns)
        kept = _versions.get(meta)
        if kept is not None and kept[0] == key:
            return kept[1]
        version = str(read_json(meta)["schema_version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(_versions) > 100:
        _versions.clear()
    _versions[meta] = (key, version)
    return version


# Index folder's meta file -> ((inode, size, mtime), version read from it).
_versions: dict = {}


def read_json(path: Path) -> dict:
    """Return the JSON object stored in ``path``."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_json(path: Path, data: dict) -> None:
    """Replace ``path`` with ``data`` as JSON, atomically."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    with open(temporary, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(temporary, path)


# Lock files this process holds open. A forked child (Whoosh's indexing
# workers) shares each lock with its parent until it closes its copy; if it
# kept it, the lock would outlive a parent killed with SIGKILL and block every
# later writer. So children close their copies as soon as they start.
_held_lock_fds: set[int] = set()
# While a rebuild runs, the workers it forks must die with it instead of
# waiting forever for jobs from a dead parent.
_children_die_with = {"pid": 0}
_PR_SET_PDEATHSIG = 1


def _after_fork_in_child() -> None:
    for fd in list(_held_lock_fds):
        with contextlib.suppress(OSError):
            os.close(fd)
    _held_lock_fds.clear()
    parent = _children_die_with["pid"]
    if parent and sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)


os.register_at_fork(after_in_child=_after_fork_in_child)


@contextlib.contextmanager
def children_die_with_this_process() -> Iterator[None]:
    """Processes forked inside this block are killed when this process dies."""
    _children_die_with["pid"] = os.getpid()
    try:
        yield
    finally:
        _children_die_with["pid"] = 0


def lock_holder(path: Path) -> int | None:
    """The process id written into the lock file ``path`` by its last holder."""
    try:
        return int(path.read_text().strip() or 0) or None
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def file_lock(path: Path, *, timeout: float) -> Iterator[bool]:
    """Hold an exclusive lock on ``path`` if it can be had within ``timeout`` s.

    Yields True while holding it, or False (without waiting further) when
    another process or thread holds it. The kernel drops the lock when the
    holder dies (its forked children close their copies), so a crash never
    leaves it stuck. The holder writes its process id into the file.
    """
    fd = os.open(path, os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o644)
    deadline = time.monotonic() + timeout
    locked = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                locked = True
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    break
                time.sleep(_LOCK_POLL)
        if locked:
            _held_lock_fds.add(fd)
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield locked
    finally:
        if locked:
            _held_lock_fds.discard(fd)
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def sync_lock(path: Path, *, timeout: float):
    """Lock held while applying the log to the index in ``path``."""
    return file_lock(path / _SYNC_LOCK, timeout=timeout)


def build_lock_path(base: Path) -> Path:
    """The lock file held while building a whole new index generation under ``base``."""
    base.mkdir(parents=True, exist_ok=True)
    return base / _BUILD_LOCK


def build_lock(base: Path, *, timeout: float):
    """Lock held while building a whole new index generation under ``base``."""
    return file_lock(build_lock_path(base), timeout=timeout)
