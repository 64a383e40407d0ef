"""The ports of the application core: the unit of work and its repositories (``unit``), the
records they trade in (``process``, ``payments``, ``logs``, ``flow``, ``access``, ``queries``),
their errors (``errors``) and how a loop waits out a storage outage (``outage``).

The SQL store (``amzpay.store``) is one adapter of them; services and processes depend on
these Protocols only. Imports the domain and the standard library only.
"""

from amzpay.ports.unit import Storage, UnitOfWork

__all__ = ["Storage", "UnitOfWork"]
