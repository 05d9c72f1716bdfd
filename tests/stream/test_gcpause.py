import gc

import pytest

from stream.gcpause import gc_frozen, gc_paused


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
