"""How xdist hands tests to its workers.

xdist's ``load`` sends each test wherever a worker is free. The modules under
``tests/multiprocess/`` and ``tests/cluster/`` start real server processes once per module and
share them between their tests; spread over two workers, each worker would start its own. So
their tests travel as one unit, and every other test still travels alone. (xdist's ``loadgroup``
would do this with marks, but it cannot rename items under pytest 9, so its groups are silently
ignored.)
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

SHARED_SERVER_MODULES = ("tests/multiprocess/", "tests/cluster/")


class SharedServerScheduling(LoadScopeScheduling):
    def _split_scope(self, nodeid: str) -> str:
        if nodeid.startswith(SHARED_SERVER_MODULES):
            return nodeid.split("::", 1)[0]
        return nodeid
