"""``python -m amzpay``: the same as the ``amzpay`` command."""

from __future__ import annotations

from amzpay.cli import main

raise SystemExit(main())
