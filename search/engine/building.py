"""Building a fresh index generation: one segment writer per process, postings in arrays.

Whoosh's own writer hands every posting (one term in one document, some
400 per article) through a pool of Python tuples, sorts the pool, then
looks up each posting's document length with a seek and a read while
writing it: about 6 ms of CPU per article, 300 articles a second on two
cores. A fresh build needs none of that generality. Here each process keeps
every term of its segment's documents as a number, in arrays per field
(term numbers, positions, documents), with no Python per word or posting;
at the end one sort per field groups them by term, and each term's postings
go block by block through the codec's own postings writer, so a segment
holds the files, blocks and statistics Whoosh would have written for the
same documents. Each worker
process writes its own segments; the parent registers them all in one
commit, merging nothing.
"""

import contextlib
import multiprocessing
import queue
import traceback
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import NO_MERGE, SegmentWriter

from search.engine.analyzers import ArchiveTokenizer, TermPositions
from search.engine.codec import ArchiveCodec, JoinedValues
from search.engine.documents import Document, Layout, to_fields

# How long the parent waits on a worker before checking that it still lives.
_POLL_SECONDS = 1.0


class _FieldTerms:
    """Every term of one field in a segment: numbers, positions, documents."""

    def __init__(self):
        self.numbers: list[np.ndarray] = []
        self.positions: list[np.ndarray] = []
        self.docnums = array("I")
        self.counts = array("I")  # terms of each document in ``docnums``

    def add(self, docnum: int, numbers: np.ndarray, positions: np.ndarray) -> None:
        self.numbers.append(numbers)
        self.positions.append(positions)
        self.docnums.append(docnum)
        self.counts.append(len(numbers))

    def postings(self, ranks: np.ndarray) -> "_Postings | None":
        """Every posting of the field, grouped by term in byte order (None: no terms).

        ``ranks`` gives each term number the place of its term in byte
        order. One stable sort by rank groups every term's positions with
        its documents and positions in order, as the codec writes them.
        """
        if not self.numbers:
            return None
        terms = ranks[np.concatenate(self.numbers)]
        docs = np.repeat(np.frombuffer(self.docnums, dtype=np.uint32), self.counts)
        positions = np.concatenate(self.positions)
        self.numbers, self.positions = [], []
        order = np.argsort(terms, kind="stable")
        terms, docs, positions = terms[order], docs[order], positions[order]
        del order
        # A posting starts where the term or the document changes.
        starts = np.flatnonzero(
            np.concatenate(
                ([True], (terms[1:] != terms[:-1]) | (docs[1:] != docs[:-1]))
            )
        )
        frequencies = np.diff(starts, append=len(terms)).astype(np.uint32)
        return _Postings(terms[starts], docs[starts], frequencies, starts, positions)


class _Postings(NamedTuple):
    """A field's postings in the order the codec writes them."""

    terms: np.ndarray  # the rank of each posting's term, ascending
    docs: np.ndarray  # uint32 document numbers
    frequencies: np.ndarray  # uint32
    starts: np.ndarray  # where each posting's positions start in ``positions``
    positions: np.ndarray


def _stored_length(length: int) -> int:
    """The field length Whoosh reads back for ``length`` (kept as one byte)."""
    byte = length_to_byte(length)
    return byte_to_length(byte) if byte else 0


class Vocabulary:
    """Terms numbered and words analyzed, for every segment one process writes.

    Analyzing a word (folding, stemming) costs far more than looking it up:
    a process writing several segments keeps what the earlier ones learned.
    Past ``LIMIT`` terms it starts afresh, which bounds its memory.
    """

    LIMIT = 1_000_000

    def __init__(self):
        # Term -> its number, and per field each word met -> the number of
        # its term (-1: dropped).
        self.numbers: dict[str, int] = {}
        self.words: dict[str, dict[str, int]] = {}
        # Per field, the numbers of the terms of each token of Hangul or Han text.
        self.runs: dict[str, dict[str, tuple[int, ...]]] = {}

    def renewed(self) -> "Vocabulary":
        """This vocabulary, or a fresh one when it has grown past ``LIMIT``."""
        return self if len(self.numbers) < self.LIMIT else Vocabulary()


class SegmentBuilder(SegmentWriter):
    """Writes one new segment of an index another writer holds the lock of.

    Only ``add_document`` and ``finish`` are used; the segment is
    registered by the caller (``commit_segments``). Segments written one
    after another share a ``vocabulary``.
    """

    def __init__(self, ix, vocabulary: Vocabulary | None = None):
        super().__init__(ix, _lk=False, codec=ArchiveCodec(), compound=False)
        self._terms: dict[str, _FieldTerms] = {}
        vocabulary = vocabulary or Vocabulary()
        self._numbers = vocabulary.numbers
        self._words = vocabulary.words
        self._runs = vocabulary.runs
        # Per field, the stored length of each document of the segment.
        self._lengths: dict[str, array] = {}
        # Postings of fields not analyzed by ArchiveTokenizer (the unique id).
        self._other: dict[tuple[str, bytes], list] = {}

    def add_document(self, **fields):
        schema = self.schema
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        perdocwriter.start_doc(docnum)
        for fieldname in sorted(fields):
            value = fields[fieldname]
            if value is None:
                continue
            fieldobj = schema[fieldname]
            length = 0
            if fieldobj.indexed:
                length = self._index(fieldname, fieldobj, value, docnum)
            stored = value if fieldobj.stored else None
            perdocwriter.add_field(fieldname, fieldobj, stored, length)
            if fieldobj.column_type is not None:
                perdocwriter.add_column_value(
                    fieldname, fieldobj.column_type, fieldobj.to_column_value(value)
                )
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _index(self, fieldname: str, fieldobj, value, docnum: int) -> int:
        analyzer = fieldobj.analyzer
        if isinstance(fieldobj.format, TermPositions) and isinstance(
            analyzer, ArchiveTokenizer
        ):
            numbers, positions = analyzer.numbered_terms(
                value,
                self._numbers,
                self._words.setdefault(fieldname, {}),
                self._runs.setdefault(fieldname, {}),
            )
            length = len(numbers)
            if length:
                terms = self._terms.get(fieldname)
                if terms is None:
                    terms = self._terms[fieldname] = _FieldTerms()
                terms.add(docnum, numbers, positions)
        else:
            length = 0
            for btext, frequency, weight, vbytes in fieldobj.index(value):
                if fieldobj.scorable:
                    length += frequency
                self._other.setdefault((fieldname, btext), []).append(
                    (docnum, weight, vbytes)
                )
        lengths = self._lengths.setdefault(fieldname, array("I"))
        lengths.extend([0] * (docnum + 1 - len(lengths)))
        lengths[docnum] = _stored_length(length) if fieldobj.scorable else 0
        return length

    def finish(self):
        """Write the postings, close the segment's files and return the segment."""
        return self._finalize_segment()

    def _flush_segment(self):
        self.perdocwriter.close()
        writer = self.fieldwriter
        # Only fields that have terms: Whoosh numbers the fields it writes.
        names = sorted(
            {name for name, terms in self._terms.items() if terms.numbers}
            | {name for name, _ in self._other}
        )
        # Terms in byte order, as Whoosh's term index wants them; UTF-8
        # keeps the order of code points, so sorting the strings will do.
        # (The vocabulary's terms that no document here has get no postings.)
        words = sorted(self._numbers)
        ranks = np.empty(len(words), dtype=np.uint32)
        ranks[[self._numbers[word] for word in words]] = np.arange(
            len(words), dtype=np.uint32
        )
        for fieldname in names:
            fieldobj = self.schema[fieldname]
            writer.start_field(fieldname, fieldobj)
            lengths = self._lengths.get(fieldname, array("I"))
            terms = self._terms.get(fieldname)
            other = {
                btext: postings
                for (name, btext), postings in self._other.items()
                if name == fieldname
            }
            postings = None if terms is None else terms.postings(ranks)
            if postings is not None:
                _write_postings(
                    writer,
                    words,
                    postings,
                    fieldobj.format.field_boost,
                    np.frombuffer(lengths, dtype=np.uint32),
                )
            for btext in sorted(other):
                writer.start_term(btext)
                for docnum, weight, vbytes in other[btext]:
                    length = lengths[docnum] if docnum < len(lengths) else 0
                    writer.add(docnum, weight, vbytes, length)
                writer.finish_term()
            writer.finish_field()
        writer.close()
        self._terms, self._other, self._lengths = {}, {}, {}
        self._numbers, self._words, self._runs = {}, {}, {}


def _write_postings(writer, words, postings: _Postings, boost, lengths) -> None:
    """Write a field's postings as ``add_posting`` one by one would, a block at a time.

    Each block's arrays and statistics are set as ``add_posting`` leaves
    them and the codec's writer writes the block, so the bytes are the
    same; the statistics of every block are worked out at once beforehand.
    ``lengths`` holds each document's stored field length.
    """
    postwriter = writer._postwriter
    size = postwriter._blocklimit
    terms, docs, frequencies, starts, positions = postings
    # Each term's postings, and its blocks of ``size`` postings.
    firsts = np.flatnonzero(np.concatenate(([True], terms[1:] != terms[:-1])))
    counts = np.diff(firsts, append=len(terms))
    blocks = (counts + size - 1) // size
    block_term = np.repeat(np.arange(len(firsts)), blocks)
    nth = np.arange(len(block_term)) - np.repeat(np.cumsum(blocks) - blocks, blocks)
    block_starts = firsts[block_term] + nth * size
    block_ends = np.minimum(block_starts + size, (firsts + counts)[block_term])
    # add_posting() keeps the smallest length above zero, the largest, and
    # the largest weight (from zero).
    found = lengths[docs]
    no_length = np.iinfo(np.uint32).max
    smallest = np.minimum.reduceat(np.where(found == 0, no_length, found), block_starts)
    largest = np.maximum.reduceat(found, block_starts)
    del found
    most = np.maximum.reduceat(frequencies, block_starts)
    # Where each block's positions lie in ``data``.
    width = positions.itemsize
    data = memoryview(positions).cast("B")
    data_starts = starts[block_starts] * width
    data_ends = data_starts + width * np.add.reduceat(
        frequencies, block_starts, dtype=np.int64
    )
    weights = (frequencies.astype(np.float64) * boost).astype(np.float32)
    sizes = frequencies * width
    ids, weights, sizes = (memoryview(a).cast("B") for a in (docs, weights, sizes))
    block = 0
    block_starts, block_ends = block_starts.tolist(), block_ends.tolist()
    data_starts, data_ends = data_starts.tolist(), data_ends.tolist()
    smallest, largest, most = smallest.tolist(), largest.tolist(), most.tolist()
    for rank, count in zip(terms[firsts].tolist(), blocks.tolist(), strict=True):
        writer.start_term(words[rank].encode("utf-8"))
        for nth in range(count):
            if nth:
                postwriter._write_block()
            start, end = block_starts[block], block_ends[block]
            postwriter._ids = array("I")
            postwriter._ids.frombytes(ids[4 * start : 4 * end])
            postwriter._weights = array("f")
            postwriter._weights.frombytes(weights[4 * start : 4 * end])
            postwriter._values = JoinedValues(
                bytes(sizes[4 * start : 4 * end]),
                bytes(data[data_starts[block] : data_ends[block]]),
            )
            postwriter._minlength = (
                None if smallest[block] == no_length else smallest[block]
            )
            postwriter._maxlength = largest[block]
            postwriter._maxweight = max(float(most[block]) * boost, 0)
            block += 1
        writer.finish_term()


def commit_segments(writer, segments: list, merge=NO_MERGE) -> None:
    """Commit ``writer`` (holding the lock) with ``segments`` added.

    ``merge`` is a Whoosh merge policy: the index's small segments it picks
    are merged into the writer's own segment first, as ``commit`` would.
    """
    kept = merge(writer, writer.segments)
    if writer._added:
        kept.append(writer._finalize_segment())
    else:
        writer._close_segment()
    writer._commit_toc([*kept, *segments])
    writer._finish()


@dataclass
class _Built:
    first_pk: int
    segment: object
    ids: array  # the document ids, in the segment's document order


class _Segments:
    """Documents in, finished segments of at most ``size`` documents out.

    With ``first``, the first segment ends after ``first`` documents and
    each next one may hold twice as many as the one before (up to ``size``):
    documents that come over a long time (an import's) are written while
    they come, and what is left to write when they stop is small.
    """

    def __init__(self, ix, layout: Layout, size: int, first: int | None = None):
        self.ix, self.layout, self.size = ix, layout, size
        self.built: list[_Built] = []
        self._builder: SegmentBuilder | None = None
        self._ids = array("q")
        self._limit = min(first or size, size)
        self._vocabulary = Vocabulary()

    def add(self, documents: list[Document]) -> None:
        for document in documents:
            if self._builder is None:
                self._vocabulary = self._vocabulary.renewed()
                self._builder = SegmentBuilder(self.ix, self._vocabulary)
                self._ids = array("q")
            self._builder.add_document(**to_fields(document, self.layout))
            self._ids.append(document.id)
            if self._builder.doc_count() >= self._limit:
                self.finish()
                self._limit = min(2 * self._limit, self.size)

    def finish(self) -> None:
        """Finish the segment being written, if any."""
        if self._builder is not None:
            segment = self._builder.finish()
            self.built.append(_Built(self._ids[0], segment, self._ids))
            self._builder = None


def build_segments(
    ix,
    batches: Iterable[list[Document]],
    layout: Layout,
    *,
    procs: int,
    segment_documents: int,
    progress: Callable[[int], None] | None = None,
) -> list:
    """Write the documents of ``batches`` into new segments of ``ix``; return them.

    ``progress(n)`` is called after each batch of ``n`` documents is handed
    over. With ``procs`` > 1 that many forked worker processes index the
    documents and this process only reads the batches. The segments come in
    the order of their first document; the caller commits them.
    """
    if procs > 1:
        with Builders(ix, layout, procs, segment_documents) as builders:
            for batch in batches:
                builders.put(batch)
                if progress:
                    progress(len(batch))
            built = builders.finish()
    else:
        segments = _Segments(ix, layout, segment_documents)
        for batch in batches:
            segments.add(batch)
            if progress:
                progress(len(batch))
        segments.finish()
        built = segments.built
    return [b.segment for b in sorted(built, key=lambda b: b.first_pk)]


class Builders:
    """``procs`` forked worker processes writing segments of ``ix``.

    ``put`` hands a batch of documents to whichever worker is free (it
    waits while every worker is busy with two batches); ``finish`` waits
    for the last segments. Leaving the ``with`` block kills the workers.
    """

    def __init__(
        self,
        ix,
        layout: Layout,
        procs: int,
        segment_documents: int,
        first_segment: int | None = None,
    ):
        context = multiprocessing.get_context("fork")
        self._tasks = context.Queue(maxsize=2 * procs)
        self._results = context.Queue()
        self._workers = [
            context.Process(
                target=_work,
                args=(
                    _Segments(ix, layout, segment_documents, first_segment),
                    self._tasks,
                    self._results,
                ),
                daemon=True,
            )
            for _ in range(procs)
        ]
        for worker in self._workers:
            worker.start()

    def __enter__(self) -> "Builders":
        return self

    def __exit__(self, *exc_info) -> None:
        for worker in self._workers:
            if worker.is_alive():
                worker.kill()
            worker.join()
        # A killed worker may leave items in the pipes: never wait to flush them.
        for pipe in (self._tasks, self._results):
            pipe.cancel_join_thread()
            pipe.close()

    def put(self, documents: list[Document]) -> None:
        _put(self._tasks, documents, self._workers)

    def finish(self) -> list[_Built]:
        """Tell the workers no more is coming; return every segment they wrote."""
        for _ in self._workers:
            _put(self._tasks, None, self._workers)
        built: list[_Built] = []
        finished = 0
        while finished < len(self._workers):
            message = _get(self._results, self._workers)
            if isinstance(message, str):
                raise RuntimeError(f"An indexing process failed:\n{message}")
            if message is None:
                finished += 1
            else:
                built.append(message)
        return built


def _put(tasks, item, workers) -> None:
    while True:
        try:
            tasks.put(item, timeout=_POLL_SECONDS)
            return
        except queue.Full:
            _check_alive(workers)


def _get(results, workers):
    while True:
        try:
            return results.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            _check_alive(workers)


def _check_alive(workers) -> None:
    # A worker that finished its part exits with 0 after saying so.
    if any(worker.exitcode for worker in workers):
        raise RuntimeError("An indexing process ended before its work was done.")


def _work(segments: _Segments, tasks, results) -> None:
    """A worker process: index batches into segments until told to stop."""
    try:
        while (batch := tasks.get()) is not None:
            segments.add(batch)
            while segments.built:
                results.put(segments.built.pop())
        segments.finish()
        for built in segments.built:
            results.put(built)
        results.put(None)
    except BaseException:
        with contextlib.suppress(Exception):
            results.put(traceback.format_exc())
    results.close()
    results.join_thread()
