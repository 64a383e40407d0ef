"""The soak's faults: what the simulator is told to suffer, the worker deaths, the forged IPNs,
and the tally of what actually hit.

The simulator's fault counters (``simulator/faults.py``) say how many of the next calls or
IPNs a fault hits and count down as they do; ``FaultMix`` arms them at random and reads back
how far each went down, so the tally is what hit, not what was asked for. Failed and
throttled calls are counted from the simulator's own call log.

A worker's death mid-call is ``WorkerKilled``, raised by ``CrashSwitch`` in the gateway's
transport either before the request leaves or after Amazon has acted on it: a
``BaseException``, so no ``except Exception`` in amzpay catches it, as nothing catches a
SIGKILL. What the dead worker committed stays (its job's lease), what it had not does not.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

import httpx

from amzpay.simulator import Ipn, Simulator


class Fault(StrEnum):
    """Each kind of fault the soak counts, with the words the summary prints."""

    LOST_RESPONSE = "responses lost after Amazon acted"
    ERROR_500 = "calls answered 500 InternalServerError"
    ERROR_503 = "calls answered 503 ServiceUnavailable"
    THROTTLED = "calls throttled (RequestThrottled)"
    DROPPED_IPN = "IPNs dropped"
    DUPLICATED_IPN = "IPNs sent twice"
    DELAYED_IPN = "IPNs delayed"
    REORDERED_IPN = "IPNs held and sent out of order"
    TAMPERED_IPN = "IPNs with a broken signature"
    FORGED_IPN = "forged IPNs posted"
    WORKER_RESTART = "workers replaced between rounds"
    KILLED_BEFORE_CALL = "workers killed before their call reached Amazon"
    KILLED_AFTER_CALL = "workers killed after Amazon acted, before the answer was recorded"


# The simulator's counters behind each fault it injects itself.
_COUNTERS: dict[str, Fault] = {
    "lose_responses": Fault.LOST_RESPONSE,
    "drop_ipns": Fault.DROPPED_IPN,
    "duplicate_ipns": Fault.DUPLICATED_IPN,
    "delay_ipns": Fault.DELAYED_IPN,
    "reorder_ipns": Fault.REORDERED_IPN,
    "bad_signature_ipns": Fault.TAMPERED_IPN,
}
# The simulator's error codes that are faults (its call log has each failed call).
_CALL_ERRORS: dict[str, Fault] = {
    "InternalServerError": Fault.ERROR_500,
    "ServiceUnavailable": Fault.ERROR_503,
    "RequestThrottled": Fault.THROTTLED,
}
# The calls a worker is killed in: those that change something at Amazon.
WRITES = frozenset({"Authorize", "Capture", "Refund", "CloseOrderReference", "CloseAuthorization"})


class FaultMix:
    """Arms the simulator's faults at random and tallies those that hit."""

    def __init__(self, simulator: Simulator, rng: random.Random) -> None:
        self.simulator, self.rng = simulator, rng
        self.hits: Counter[Fault] = Counter()
        self._armed = dict.fromkeys(_COUNTERS, 0)  # each counter's value when last looked at

    def arm(self, counter: str | None = None) -> None:
        """Add a fault to those pending, for a few of the next calls or IPNs: the simulator's
        ``counter`` (``drop_ipns``, ``fail_calls``...), by default one drawn at random."""
        self.harvest()
        faults, rng = self.simulator.faults, self.rng
        counter = counter or rng.choice([*_COUNTERS, "fail_calls"])
        changes: dict[str, float] = {}
        if counter == "fail_calls":
            # More failures in a row than the client's own retries (4) push the call to a
            # later job, with the same reference id.
            changes = {"fail_calls": faults.fail_calls + rng.randint(1, 6)}
            changes["fail_status"] = rng.choice((500, 503))
        elif counter == "delay_ipns":
            changes = {"delay_ipns": faults.delay_ipns + rng.randint(1, 3)}
            changes["delay_seconds"] = rng.choice((90, 600, 3600))
        elif counter == "reorder_ipns":
            if faults.reorder_ipns == 0:  # held IPNs are released when the count reaches 0
                changes = {"reorder_ipns": rng.randint(2, 4)}
        else:
            changes = {counter: getattr(faults, counter) + rng.randint(1, 5)}
        faults.update(changes)
        for name in changes.keys() & self._armed.keys():
            self._armed[name] = int(changes[name])

    def harvest(self) -> None:
        """Add to the tally what each armed counter has counted down since last looked at."""
        now = self.simulator.faults.as_dict()
        for counter, armed in self._armed.items():
            left = int(now[counter])
            self.hits[_COUNTERS[counter]] += armed - left
            self._armed[counter] = left

    def calm(self) -> None:
        """No more faults: tally what hit and clear what is still pending."""
        self.harvest()
        self.simulator.faults.update(dict.fromkeys((*_COUNTERS, "fail_calls"), 0))
        self._armed = dict.fromkeys(_COUNTERS, 0)

    def tally(self) -> Counter[Fault]:
        """Every fault that hit so far, the failed and throttled calls included."""
        self.harvest()
        with self.simulator.lock:
            codes = [call.error_code for call in self.simulator.calls]
        calls = Counter(_CALL_ERRORS[code] for code in codes if code in _CALL_ERRORS)
        return self.hits + calls


class WorkerKilled(BaseException):
    """The worker died in the middle of a call, as a SIGKILL would end its process."""

    def __init__(self, fault: Fault) -> None:
        self.fault = fault
        super().__init__(fault.value)


class CrashSwitch(httpx.BaseTransport):
    """The gateway's transport: passes calls to ``inner``; once ``armed`` with a kill (and
    while ``live``, i.e. during a worker's round), the next write call dies."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.armed: Fault | None = None
        self._live = False

    @contextmanager
    def live(self) -> Iterator[None]:
        self._live = True
        try:
            yield
        finally:
            self._live = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        kill = self.armed if self._live and _action(request) in WRITES else None
        if kill is Fault.KILLED_BEFORE_CALL:
            self.armed = None
            raise WorkerKilled(kill)
        response = self.inner.handle_request(request)
        if kill is Fault.KILLED_AFTER_CALL:
            self.armed = None
            raise WorkerKilled(kill)
        return response

    def close(self) -> None:
        self.inner.close()


def _action(request: httpx.Request) -> str | None:
    for pair in request.read().split(b"&"):
        name, _, value = pair.partition(b"=")
        if name == b"Action":
            return value.decode()
    return None


def forged(ipn: Ipn, rng: random.Random) -> tuple[bytes, dict[str, str]]:
    """``ipn`` rewritten by someone without Amazon's key, as body and headers: its object
    said Completed (or, when it was, Declined), under a message id of its own and the
    original signature."""
    envelope = dict(ipn.envelope)
    claim = "Declined" if ipn.state == "Completed" else "Completed"
    envelope["Message"] = envelope["Message"].replace(
        f"<State>{ipn.state}</State>", f"<State>{claim}</State>"
    )
    envelope["MessageId"] = f"forged-{rng.getrandbits(64):016x}"
    headers = {**ipn.headers, "x-amz-sns-message-id": envelope["MessageId"]}
    return json.dumps(envelope).encode(), headers
