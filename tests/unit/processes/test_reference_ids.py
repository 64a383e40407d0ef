from __future__ import annotations

import re

from amzpay.processes.records import new_reference_id


def test_reference_ids_fit_amazons_rules():
    ids = [new_reference_id("R") for _ in range(1000)]

    assert all(re.fullmatch(r"[A-Za-z0-9_-]{1,32}", i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("R-") for i in ids)
