"""The current request's database plan: where it reads, its time limit, and
whether it wrote.

A ContextVar, not a thread-local: a streamed response is iterated after the
middleware has returned, and the middleware re-enters the same plan around
the iteration (so an export keeps its replica and its time limit).
Outside a request (commands, migrations, the test code itself) there is no
plan: everything goes to the primary with no time limit.
"""

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class RequestPlan:
    """What one request may do with the databases."""

    # Alias of the replica chosen for this request's reads; None: the primary.
    replica: str | None = None
    # statement_timeout of every transaction the request runs, in ms.
    timeout_ms: int | None = None
    # Set by the first statement that writes through the primary; from then
    # on the request reads the primary too.
    wrote: bool = False
    # Why the request reads the primary (shown nowhere; kept for logs/tests).
    reason: str = ""

    @property
    def reads_replica(self):
        return self.replica is not None and not self.wrote


_plan: ContextVar[RequestPlan | None] = ContextVar("aria_request_plan", default=None)


def current():
    """The plan of the request being served, or None outside requests."""
    return _plan.get()


@contextlib.contextmanager
def active(plan):
    """Make ``plan`` current for the block (restored afterwards, even when
    the block ends in another context, as a closed generator may)."""
    previous = _plan.get()
    _plan.set(plan)
    try:
        yield plan
    finally:
        _plan.set(previous)
