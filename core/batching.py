"""Work deferred to the end of a block: a request, an import, a demo load.

Listeners (the search index, a cache) that would otherwise redo their work after every
save gather it while `batch()` is open and do it once on the way out:

    with batch():
        for item in feed:
            import_item(item)  # each save's listener only notes what to redo

    # in the listener
    pending = deferred("search-index", start=set, flush=write, failure="...")
    if pending is None:  # no batch open: do it now
        write({pk})
    else:
        pending.add(pk)

Nested batches join the outer one. The deferred work is done even when the block fails,
since what the block committed before failing needs it; a failure then is logged (with the
listener's message) and the block's own error is the one raised.

A request's batch (core.middleware.batch_deferred_work) is opened with `log_failures=True`:
its writes are committed by the time the deferred work runs, so a failure there (the search
index, which `rebuild_search_index` repairs) is logged and the answer stays the one the view
gave, never a 500 for a write that was saved.
"""

import contextvars
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)


@dataclass
class _Work:
    state: Any
    flush: Any
    failure: str


_open = contextvars.ContextVar("core_batch", default=None)


def deferred(name, *, start, flush, failure=""):
    """The state gathered under `name` in the open batch, or None when no batch is open.

    The first call in a batch makes the state with `start()` and arranges for
    `flush(state)` to run once when the outermost batch ends; `failure` is what the log
    says if it fails after the block itself failed.
    """
    work = _open.get()
    if work is None:
        return None
    if name not in work:
        work[name] = _Work(start(), flush, failure or f"Deferred work {name!r} failed.")
    return work[name].state


@contextmanager
def batch(*, log_failures=False):
    """Gather deferred work inside, and do it once on the way out (see the module).
    With `log_failures`, deferred work that fails is logged, never raised."""
    if _open.get() is not None:
        yield
        return
    work = {}
    token = _open.set(work)
    failed = True
    try:
        yield
        failed = False
    finally:
        _open.reset(token)
        for item in work.values():
            try:
                item.flush(item.state)
            except Exception:
                if not failed and not log_failures:
                    raise
                logging.getLogger(getattr(item.flush, "__module__", __name__)).exception(
                    item.failure
                )
