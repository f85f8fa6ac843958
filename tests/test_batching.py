"""Work deferred to the end of a block (core/batching.py), whoever the listener is."""

import logging

import pytest

from core.batching import batch, deferred


class Listener:
    """Gathers ids while a batch is open and writes them at its end (here: into `written`)."""

    def __init__(self, name="listener"):
        self.name = name
        self.written = []

    def flush(self, ids):
        self.written.append(sorted(ids))

    def changed(self, pk):
        pending = deferred(self.name, start=set, flush=self.flush, failure="It failed.")
        if pending is None:
            self.flush({pk})
        else:
            pending.add(pk)


def test_outside_a_batch_nothing_is_deferred():
    listener = Listener()
    listener.changed(1)
    listener.changed(2)
    assert listener.written == [[1], [2]]


def test_inside_a_batch_the_work_is_done_once_at_the_end():
    listener = Listener()
    with batch():
        listener.changed(2)
        listener.changed(1)
        listener.changed(2)
        assert listener.written == []
    assert listener.written == [[1, 2]]


def test_a_nested_batch_joins_the_outer_one():
    listener = Listener()
    with batch():
        listener.changed(1)
        with batch():
            listener.changed(2)
        assert listener.written == []
    assert listener.written == [[1, 2]]


def test_each_listener_keeps_its_own_work():
    first, second = Listener("first"), Listener("second")
    with batch():
        first.changed(1)
        second.changed(2)
    assert (first.written, second.written) == ([[1]], [[2]])


def test_the_work_is_done_even_when_the_block_fails():
    listener = Listener()
    with pytest.raises(RuntimeError, match="the block failed"), batch():
        listener.changed(1)
        raise RuntimeError("the block failed")
    assert listener.written == [[1]]


def test_a_failing_flush_after_a_failed_block_is_logged_and_the_next_still_runs(caplog):
    broken, sound = Listener("broken"), Listener("sound")

    def fail(ids):
        raise ValueError("cannot write")

    broken.flush = fail
    with pytest.raises(RuntimeError, match="the block failed"), batch():
        broken.changed(1)
        sound.changed(2)
        raise RuntimeError("the block failed")

    assert "It failed." in caplog.text
    assert "cannot write" in caplog.text
    assert sound.written == [[2]]
    assert any(record.levelno == logging.ERROR for record in caplog.records)


def test_a_failing_flush_after_a_block_that_succeeded_is_raised():
    listener = Listener()

    def fail(ids):
        raise ValueError("cannot write")

    listener.flush = fail
    with pytest.raises(ValueError, match="cannot write"), batch():
        listener.changed(1)


def test_a_batch_that_logs_failures_logs_a_failing_flush_after_success(caplog):
    # A request's batch: its writes are committed, the answer must not become a 500.
    listener = Listener()

    def fail(ids):
        raise ValueError("cannot write")

    listener.flush = fail
    with batch(log_failures=True):
        listener.changed(1)
    assert "It failed." in caplog.text
    assert "cannot write" in caplog.text
