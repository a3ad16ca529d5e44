"""Prometheus metrics: what the process counts (``instruments``), the middleware that counts
HTTP requests (``requests``), what is read only when scraped (``collectors``), the text that
``GET /internal-backstage/prometheus`` answers in one process or many (``exposition``), and the
route (``routes``). docs/metrics.md lists every metric.

Infrastructure: the modules below ``routes`` import no other Flagstaff package, so that
``core`` and every feature may count without an import going up or round in a cycle.
"""
