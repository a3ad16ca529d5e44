"""``POST /api/public/token-revocation`` (Flagstaff's own): report secrets found exposed.

Public on purpose, as GitHub's credential-revocation API: a secret scanner, or anyone who finds a
token in a log or a repository, reports it without needing a credential of their own. The answer
is 202 whatever the strings were, and the route is rate-limited per client address.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import Field, StrictStr

from flagstaff.core.errors import TooManyAttemptsError
from flagstaff.core.limits import take
from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import InputModel
from flagstaff.credentials.leaks import MAX_REPORTED, LeakReports
from flagstaff.http.deps import ContextDep, SessionDep, client_ip

router = APIRouter(route_class=TransactionalRoute, tags=["Public"])

REPORTS_PER_MINUTE = 30
Candidate = Annotated[StrictStr, Field(max_length=1024)]


class LeakReportIn(InputModel):
    tokens: Annotated[list[Candidate], Field(min_length=1, max_length=MAX_REPORTED)]


@router.post("/api/public/token-revocation", operation_id="reportLeakedTokens", status_code=202)
def report_leaked_tokens(
    body: LeakReportIn, request: Request, db: SessionDep, context: ContextDep
) -> Response:
    """Flagstaff: revoke every Flagstaff token among these strings, at once, everywhere."""
    address = client_ip(request, context) or "unknown"
    if not take(db, f"token-revocation:{address}", REPORTS_PER_MINUTE, timedelta(minutes=1)):
        raise TooManyAttemptsError(
            "Too many reports from this address; try again in a minute.", retry_after=60
        )
    LeakReports(db, context.keys, context.settings).report(body.tokens, address)
    return Response(status_code=202)
