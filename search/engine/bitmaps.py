"""Sets of document numbers as Python integers: bit n set = document n.

AND, OR and counting (``int.bit_count``) run in C over machine words, so
combining the matches of terms and facet values costs microseconds even
when they hold half the archive. Converting to and from arrays of document
numbers goes through NumPy's bit packing, also in C.
"""

from collections.abc import Iterable

import numpy as np


def from_docnums(docnums: Iterable[int] | np.ndarray) -> int:
    """Return the bitmap holding ``docnums`` (non-negative integers)."""
    docnums = np.asarray(
        docnums if isinstance(docnums, np.ndarray) else list(docnums), dtype=np.int64
    )
    if not docnums.size:
        return 0
    present = np.zeros(int(docnums.max()) + 1, dtype=bool)
    present[docnums] = True
    return from_mask(present)


def from_mask(present: np.ndarray) -> int:
    """Return the bitmap of the positions where boolean array ``present`` is True."""
    return int.from_bytes(np.packbits(present, bitorder="little").tobytes(), "little")


def mask(bitmap: int, size: int) -> np.ndarray:
    """Return ``size`` booleans, the n-th True if document n is in ``bitmap``."""
    if bitmap <= 0 or size <= 0:
        return np.zeros(max(size, 0), dtype=bool)
    raw = (bitmap & ((1 << size) - 1)).to_bytes((size + 7) // 8, "little")
    bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8), bitorder="little")
    return bits[:size].view(bool)


def to_docnums(bitmap: int) -> np.ndarray:
    """Return the document numbers in ``bitmap``, ascending."""
    if bitmap <= 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(mask(bitmap, bitmap.bit_length()))


def first_n(count: int) -> int:
    """Return the bitmap of documents 0 .. count-1."""
    return (1 << count) - 1
