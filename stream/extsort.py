"""Sort a stream of records by event time in bounded memory: an external merge sort.

Some recordings are not in time order at all: MarineCadastre's daily CSV exports are
ordered by vessel, each vessel's day after the previous one's. Such a file is cut into runs
of ``run_records``, each sorted (stably) in memory and, when there is more than one,
written to a temporary file as plain tuples in frames; the runs are then merged by time
(``merge_ordered``), frame by frame. Memory is one run plus one frame per run, whatever
the file's length. Equal times keep input order, as a stable sort of the whole would.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import IO, Any

from stream.decode.common import Record
from stream.models import Position, StaticData
from stream.reorder import Chunk, by_time, merge_ordered, times_of

__all__ = ["FRAME_RECORDS", "RUN_RECORDS", "sorted_chunks"]

# A run is about 300 MB of records in memory (~1.2 KB per CSV row, position and static
# report together); a frame is what each run holds in memory during the merge, so the
# merge of a 10 M-row file (80 runs) holds about 330 k records, a tenth of that.
RUN_RECORDS = 250_000
FRAME_RECORDS = 4096
_STATIC_FIELDS = attrgetter(*(f.name for f in fields(StaticData)))


def sorted_chunks(
    chunks: Iterator[list[Record]], run_records: int = RUN_RECORDS
) -> Iterator[Chunk]:
    """Every record of ``chunks`` in time order, in frames of at most FRAME_RECORDS."""
    with tempfile.TemporaryDirectory(prefix="seaguard-sort-") as tmp:
        runs: list[Path] = []
        held: list[Record] = []
        for recs in chunks:
            held.extend(recs)
            if len(held) >= run_records:
                runs.append(_spill(by_time(held, times_of(held)), Path(tmp) / f"run-{len(runs)}"))
                held = []
        last = by_time(held, times_of(held))
        if not runs:
            yield from _frames(last)
            return
        yield from merge_ordered([*map(_read_run, runs), _frames(last)])


def _frames(run: Chunk) -> Iterator[Chunk]:
    records, ts = run
    for i in range(0, len(records), FRAME_RECORDS):
        yield records[i : i + FRAME_RECORDS], ts[i : i + FRAME_RECORDS]


def _spill(run: Chunk, path: Path) -> Path:
    """A sorted run to disk as frames of (kinds, tuples, times): plain tuples pickle several
    times faster than the record classes."""
    with path.open("wb") as fh:
        for records, ts in _frames(run):
            kinds = bytes(type(r) is StaticData for r in records)
            rows = [_STATIC_FIELDS(r) if isinstance(r, StaticData) else tuple(r) for r in records]
            pickle.dump((kinds, rows, ts), fh, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _read_run(path: Path) -> Iterator[Chunk]:
    with path.open("rb") as fh:
        while (frame := _load(fh)) is not None:
            kinds, rows, ts = frame
            make = (Position._make, _static)
            yield [make[k](row) for k, row in zip(kinds, rows, strict=True)], ts
    path.unlink()


def _static(row: tuple[Any, ...]) -> StaticData:
    return StaticData(*row)


def _load(fh: IO[bytes]) -> Any:
    try:
        return pickle.load(fh)  # noqa: S301 - our own temporary file, written just now
    except EOFError:
        return None
