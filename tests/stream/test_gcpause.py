import gc

import pytest

from stream.gcpause import gc_frozen, gc_paused, settle


def test_pauses_and_restores_even_on_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_nested_pause_keeps_the_outer_one() -> None:
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not resume the collector early
    assert gc.isenabled()


def test_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_frozen_skips_what_exists_and_collects_what_is_new() -> None:
    import weakref

    old = _Node()
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), gc_frozen():
        assert gc.get_freeze_count() > 0
        frozen = gc.get_freeze_count()
        old_ref = weakref.ref(old)
        del old
        gc.collect()
        assert old_ref() is not None  # frozen: not collected though it is garbage now
        new_ref = weakref.ref(_Node())
        gc.collect()
        assert new_ref() is None  # made inside: collected as usual
        assert gc.get_freeze_count() == frozen
        raise RuntimeError("boom")
    assert gc.get_freeze_count() == 0  # unfrozen on the way out, even on error
    gc.collect()
    assert old_ref() is None


def test_nested_freeze_leaves_the_unfreeze_to_the_outer_one() -> None:
    with gc_frozen():
        frozen = gc.get_freeze_count()
        with gc_frozen():
            pass
        assert gc.get_freeze_count() == frozen
    assert gc.get_freeze_count() == 0


def test_settle_moves_young_objects_to_the_oldest_generation() -> None:
    with gc_paused():
        made = [(str(i), [i]) for i in range(20_000)]
        assert len(gc.get_objects(generation=0)) >= 20_000
        settle()
        assert gc.get_count()[0] == 0 and len(gc.get_objects(generation=0)) < 100
    assert any(o is made for o in gc.get_objects(generation=2))


def test_settle_leaves_an_outer_freeze_alone() -> None:
    with gc_frozen():
        kept = [[i] for i in range(1000)]
        frozen = gc.get_freeze_count()
        settle()
        assert gc.get_freeze_count() == frozen  # not unfrozen under the outer block
    assert kept
