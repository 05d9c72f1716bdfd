"""Pause Python's cyclic garbage collector around bulk, acyclic work.

Decoding a recording builds millions of small records, and a pipeline batch builds lists of
hundreds of thousands of items; none of them form reference cycles, so reference counting
frees them all. The cyclic collector still runs every 700 allocations and walks every young
container - lists of 200 k row indices included - and, as the records pile up, rescans the
whole heap: 10-20 % of replay time on the benchmark (bench/). Pausing it for the duration of
such work and resuming afterwards collects any cycle later, as usual. A replay pauses it for
its whole run (a replay of the bench workload and of the recorded feeds leaves no cycle at
all: ``gc.collect()`` afterwards finds nothing) and collects every few batches instead.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_frozen", "gc_paused", "settle"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic GC inside the block; restore its previous state on exit (nests)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextmanager
def gc_frozen() -> Iterator[None]:
    """Leave the objects that exist on entry out of the collections run inside the block.

    A replay holds its whole recording as records (millions of ``Position`` tuples). The
    collector untracks plain tuples of atomic values, but not instances of a tuple subclass,
    so the records stay tracked: the first collections after loading walk all of them, and
    they add to every full collection after that. ``gc.freeze`` moves what exists now to the
    permanent generation, which collections skip; objects made inside the block are
    collected as usual, and on exit the frozen ones return to the oldest generation. Inside
    another freeze (``gc.get_freeze_count() > 0``) it does nothing, so the outer one owns
    the unfreeze."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def settle() -> None:
    """Move every tracked object to the oldest generation without a collection.

    After bulk work under ``gc_paused`` everything it made is in the youngest generation, and
    the first allocation once the collector is back walks it all - for a decoded recording,
    millions of records (~0.2 s for 2 M). ``gc.freeze`` then ``gc.unfreeze`` moves them to the
    oldest generation instead (and resets the young count); a later full collection, if any
    comes before a ``gc_frozen``, walks them then. Inside a freeze it does nothing: unfreezing
    would release the outer freeze's objects."""
    if not gc.get_freeze_count():
        gc.freeze()
        gc.unfreeze()
