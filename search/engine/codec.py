"""Whoosh's W3 codec with posting blocks that decode in a few C calls.

W3 pickles each block of postings as tuples of Python objects (an int per
document number, a float per weight, a bytes object per positions list)
and compresses them with zlib: reading the postings of a word in most of a
100,000-article archive costs about 70 ms of unpickling. Here a block holds
the same data as raw arrays (document numbers, weights, value lengths and
the values joined), uncompressed, so ``postings`` reads a block with a
handful of calls. Everything else (term index, columns, block headers that
Whoosh uses to skip blocks) is W3's own. Pickled into each segment: keep
the classes at this import path, and bump ``schema.SCHEMA_VERSION`` when
the layout changes.

The blocks' arrays are pickled with the current protocol: W3's protocol 2
turns every bytes object into a Latin-1 string and back, which made reading
a block cost a quarter of a millisecond. Blocks of either protocol (and of
any size) read the same, so an index written before needs no rebuild.
"""

import io
import pickle
import zlib
from array import array
from collections.abc import Iterator
from itertools import accumulate
from typing import NamedTuple

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC as W3_HEADER_MAGIC
from whoosh.codec.whoosh3 import (
    W3Codec,
    W3LeafMatcher,
    W3PostingsWriter,
    length_to_byte,
)
from whoosh.system import _INT_SIZE, unpack_int

# Postings per block: a word in most of a million articles reads in about
# a thousand blocks, and a block's header is a few microseconds of Python.
BLOCK_POSTINGS = 1024


class RawBlock(NamedTuple):
    ids: bytes  # uint32 document numbers
    weights: bytes  # float32
    lengths: bytes  # uint32 byte length of each posting's value
    values: bytes  # the values, joined


class JoinedValues(NamedTuple):
    """A block's values given whole: what ``_mini_values`` makes of a list."""

    lengths: bytes  # uint32 byte length of each posting's value
    values: bytes  # the values, joined


class ArchiveCodec(W3Codec):
    def __init__(self):
        super().__init__(blocklimit=BLOCK_POSTINGS, compression=0, inlinelimit=1)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors (not used by the schema) keep W3's blocks
            return super().postings_writer(dbfile, byteids=True)
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term, scorer)
        offset, length = terminfo.extent()
        return ArrayLeafMatcher(
            dbfile, offset, length, format_, term=term, scorer=scorer
        )


class _PostingsWriter(W3PostingsWriter):
    def _write_block(self, last=False):
        """W3's block (header, info, data), its data pickled with the current protocol."""
        if not self._blockcount:
            self._postfile.write(W3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = pickle.dumps(
            (self._mini_ids(), self._mini_weights(), self._mini_values()),
            pickle.HIGHEST_PROTOCOL,
        )
        ids = self._ids
        info = pickle.dumps(
            (
                len(ids),
                ids[-1],
                self._maxweight,
                0,  # uncompressed
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            ),
            2,
        )
        length = len(info) + len(data)
        # A negative length marks the term's last block.
        self._postfile.write_int(-length if last else length)
        self._postfile.write(info)
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()

    def _mini_ids(self):
        return self._ids.tobytes()

    def _mini_weights(self):
        return self._weights.tobytes()

    def _mini_values(self):
        fixedsize = self._format.fixed_value_size()
        if fixedsize is not None and fixedsize >= 0:
            return super()._mini_values()
        values = self._values
        if isinstance(values, JoinedValues):
            # A fresh build sets each block's values whole (engine/building.py).
            return tuple(values)
        return array("I", map(len, values)).tobytes(), b"".join(values)


class ArrayLeafMatcher(W3LeafMatcher):
    """Reads the blocks ``_PostingsWriter`` writes."""

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        self._ids = array("I", self._data[0])

    def _read_weights(self):
        if self._data is None:
            self._read_data()
        self._weights = array("f", self._data[1])

    def raw_blocks(self) -> Iterator[RawBlock]:
        """Yield the current block and every one after it, as ``raw_block`` gives each.

        What stepping with ``raw_block`` and ``_next_block`` while
        ``is_active()`` yields (a matcher that skipped deleted documents
        may have left whole blocks behind), but the term's blocks, which lie
        end to end (its extent), are read in one piece and taken apart in
        memory, where stepping costs a seek and three reads of the file a
        block.
        """
        if not self.is_active():
            return
        current_end = self._nextoffset
        length = self._length
        if isinstance(length, tuple):  # how Whoosh reads it from the term index
            (length,) = length
        data = self._postfile.get(self._startoffset, length)
        stream = io.BytesIO(data)
        stream.seek(len(W3_HEADER_MAGIC))  # checked when the matcher was made
        while True:
            (size,) = unpack_int(stream.read(_INT_SIZE))
            end = stream.tell() + abs(size)
            if self._startoffset + end < current_end:  # left behind
                stream.seek(end)
                continue
            info = pickle.load(stream)  # noqa: S301 - the index's own blocks
            raw = stream.read(end - stream.tell())
            if info[3]:  # compressed (blocks this codec writes are not)
                raw = zlib.decompress(raw)
            ids, weights, values = pickle.loads(raw)  # noqa: S301 - likewise
            lengths, joined = values if isinstance(values, tuple) else (b"", b"")
            yield RawBlock(ids, weights, lengths, joined)
            if size < 0 or end >= len(data):
                return

    def raw_block(self) -> RawBlock:
        """Return the current block's arrays as bytes (values: variable size only)."""
        if self._data is None:
            self._read_data()
        ids, weights, values = self._data
        lengths, joined = values if isinstance(values, tuple) else (b"", b"")
        return RawBlock(ids, weights, lengths, joined)

    def _read_values(self):
        fixedsize = self._fixedsize
        if fixedsize is not None and fixedsize >= 0:
            super()._read_values()
            return
        _, _, lengths, joined = self.raw_block()
        ends = list(accumulate(array("I", lengths)))
        starts = [0, *ends[:-1]]
        self._values = tuple(map(joined.__getitem__, map(slice, starts, ends)))
