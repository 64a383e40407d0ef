"""A worker in the web server's process gives way to the IPN endpoint: before a round it
waits while IPNs keep arriving, until a quiet moment, but never once it has been behind for
its longest wait; ``Worker.run`` tells it whether the last round caught up."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from amzpay.worker import Arrivals, GiveWay, Round, Worker


class Timeline:
    """A clock that moves only when waited on, with IPNs stored at the ``at`` times."""

    def __init__(self, at: Sequence[float] = ()) -> None:
        self.now, self.at, self.stopped = 0.0, sorted(at), False
        self.stored_at = 0.0
        self.arrivals = Arrivals(monotonic=lambda: self.stored_at)
        self._arrive()

    def _arrive(self) -> None:
        """Store the IPNs due by now, each at its own time."""
        while self.at and self.at[0] <= self.now:
            self.stored_at = self.at.pop(0)
            self.arrivals.set()
        self.stored_at = self.now

    def is_set(self) -> bool:
        return self.stopped

    def wait(self, timeout: float | None = None) -> bool:
        assert timeout is not None
        assert timeout > 0
        self.now += timeout
        self._arrive()
        return self.stopped


def every(step: float, until: float) -> list[float]:
    return [n * step for n in range(int(until / step) + 1)]


def test_a_worker_that_caught_up_waits_until_no_ipn_arrived_for_a_quiet_moment():
    time = Timeline(every(0.03, 0.09))  # a burst of four IPNs, 30 ms apart
    give_way = GiveWay(time.arrivals, quiet=0.05, longest=2.0)

    give_way(time, caught_up=True)

    assert time.now == pytest.approx(0.09 + 0.05)


def test_with_no_ipn_arriving_it_does_not_wait():
    time = Timeline()

    GiveWay(time.arrivals)(time, caught_up=True)

    assert time.now == 0.0


def test_it_waits_at_most_its_longest_wait_however_long_ipns_keep_arriving():
    time = Timeline(every(0.03, 10.0))
    give_way = GiveWay(time.arrivals, quiet=0.05, longest=2.0)

    give_way(time, caught_up=True)

    assert time.now == pytest.approx(2.0)


def test_behind_for_its_longest_wait_it_waits_no_more_until_a_round_caught_up():
    time = Timeline(every(0.03, 10.0))
    give_way = GiveWay(time.arrivals, quiet=0.05, longest=2.0)
    give_way(time, caught_up=True)

    give_way(time, caught_up=False)  # the rounds since found work: it is still behind
    behind = time.now
    give_way(time, caught_up=True)  # a round found nothing to do: it may give way again

    assert behind == pytest.approx(2.0)
    assert time.now == pytest.approx(4.0)


def test_stopping_ends_the_wait():
    time = Timeline(every(0.03, 10.0))
    time.stopped = True

    GiveWay(time.arrivals, quiet=0.05, longest=2.0)(time, caught_up=True)

    assert time.now == pytest.approx(0.05)  # one wait, ended by the stop


def test_the_worker_gives_way_before_each_round_told_whether_the_last_caught_up():
    time = Timeline()
    rounds = iter([Round(0, 1), Round(0, 1), Round(0, 0), Round(0, 0)])
    told: list[bool] = []

    class Rounds(Worker):
        def run_once(self) -> Round:
            done = next(rounds)
            time.stopped = len(told) == 4
            return done

    worker = Rounds(None, None, "test")  # type: ignore[arg-type]
    worker.run(time, idle_seconds=1.0, give_way=lambda _stop, caught_up: told.append(caught_up))

    assert told == [True, False, False, True]
