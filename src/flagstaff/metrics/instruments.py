"""Every metric Flagstaff keeps, declared once, with the label children the hot paths use
bound in advance: an update is an in-memory increment under prometheus_client's per-value lock,
held for nanoseconds and never across an ``await``.

Under ``flagstaff serve --workers N`` (N > 1) prometheus_client keeps each value in a file of
the process's own (``exposition.prepare_multiprocess``); a gauge then says how its processes'
values combine (``multiprocess_mode``). The values are module-level, as prometheus_client's
registry is: several apps in one process (tests) share them.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

# A ``_created`` series beside every counter and histogram doubles the scrape for a figure
# (when a label child was first used) that no Flagstaff dashboard needs.
disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped upstream

# Client API answers take tens of microseconds, Admin API writes milliseconds, an export or a
# slow database seconds: the buckets span all three.
LATENCY_BUCKETS = (
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)
JOB_BUCKETS = (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0)

HTTP_REQUESTS = Counter(
    "flagstaff_http_requests",
    "HTTP requests answered, by route template, method and status.",
    ("route", "method", "status"),
)
HTTP_DURATION = Histogram(
    "flagstaff_http_request_duration_seconds",
    "Time from a request's arrival until its response starts, by route template, method and "
    "status.",
    ("route", "method", "status"),
    buckets=LATENCY_BUCKETS,
)

_PAYLOAD_CACHE = Counter(
    "flagstaff_client_payload_cache_requests",
    "Client API payload lookups (features, delta, streams), by result: hit or miss.",
    ("result",),
)
PAYLOAD_CACHE_HIT = _PAYLOAD_CACHE.labels("hit")
PAYLOAD_CACHE_MISS = _PAYLOAD_CACHE.labels("miss")

_PAYLOAD_BYTES = Counter(
    "flagstaff_client_payload_bytes",
    "Bytes of flag payload sent in 200 answers to GET /api/client/features, by encoding.",
    ("encoding",),
)
PAYLOAD_BYTES_GZIP = _PAYLOAD_BYTES.labels("gzip")
PAYLOAD_BYTES_IDENTITY = _PAYLOAD_BYTES.labels("identity")

_TOKEN_CACHE = Counter(
    "flagstaff_token_auth_cache_requests",
    "Token authentications, by whether the credential cache answered (hit) or the database "
    "had to (miss).",
    ("result",),
)
TOKEN_CACHE_HIT = _TOKEN_CACHE.labels("hit")
TOKEN_CACHE_MISS = _TOKEN_CACHE.labels("miss")

REVISION = Gauge(
    "flagstaff_revision",
    "The revision this process's caches are at.",
    multiprocess_mode="liveall",
)
REVISION_LAG = Gauge(
    "flagstaff_revision_lag_seconds",
    "How far this process may be behind the database's revision: seconds since it last read "
    "the revision successfully, updated at every poll (0 while polls succeed).",
    multiprocess_mode="liveall",
)

STREAMS_OPEN = Gauge(
    "flagstaff_client_streams_open",
    "Server-sent event streams to SDKs open now (GET /api/client/streaming).",
    multiprocess_mode="livesum",
)

_JOB_DURATION = Histogram(
    "flagstaff_job_duration_seconds",
    "Time a background job's run took, by job.",
    ("job",),
    buckets=JOB_BUCKETS,
)
_JOB_FAILURES = Counter(
    "flagstaff_job_failures",
    "Background job runs that failed, by job.",
    ("job",),
)


def declare_job(job: str) -> None:
    """A job's series exist from its start, at zero: a dashboard sees no failure, not no data."""
    _JOB_DURATION.labels(job)
    _JOB_FAILURES.labels(job)


def job_ran(job: str, seconds: float) -> None:
    """Off the request path (a job's own thread): ``labels`` per run is fine here."""
    _JOB_DURATION.labels(job).observe(seconds)


def job_failed(job: str) -> None:
    _JOB_FAILURES.labels(job).inc()
