"""``POST /api/auth/oidc/token`` (Flagstaff's own): an OIDC ID token for a service-account token,
in the shape of OAuth 2.0 Token Exchange (RFC 8693).

Public on purpose: the ID token is the credential. The body is form-encoded, as RFC 8693 says,
or JSON; ``grant_type`` is ``urn:ietf:params:oauth:grant-type:token-exchange``,
``subject_token`` the ID token, ``subject_token_type`` ``…:token-type:id_token`` or
``…:token-type:jwt``, and ``service_account`` (optional) the username of the account wanted.
The answer carries ``access_token``, ``issued_token_type``, ``token_type`` and ``expires_in``. A
refused exchange is a 401 in Unleash's error body, naming the reason's category; a malformed
request a 400; more than ``FLAGSTAFF_OIDC_EXCHANGES_PER_MINUTE`` attempts from one address in a
minute a 429.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError
from starlette.concurrency import run_in_threadpool

from flagstaff.core.errors import BadDataError
from flagstaff.core.schemas import answers
from flagstaff.credentials.federation.exchange import ExchangeRequest, TokenExchange
from flagstaff.credentials.federation.schemas import TokenExchangeOut
from flagstaff.credentials.federation.state import issuer_keys
from flagstaff.http.deps import ContextDep, client_ip

router = APIRouter(tags=["Public"])

PATH = "/api/auth/oidc/token"
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
SUBJECT_TOKEN_TYPES = frozenset(
    {"urn:ietf:params:oauth:token-type:id_token", "urn:ietf:params:oauth:token-type:jwt"}
)
ISSUED_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"  # noqa: S105 - a URN
FORM_TYPE = "application/x-www-form-urlencoded"
# Answers that carry a token are never stored (RFC 6749, 5.1).
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class ExchangeIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")

    grant_type: StrictStr
    # Longer than any ID token may be: the exchange refuses those as invalid tokens (401).
    subject_token: Annotated[StrictStr, Field(min_length=1, max_length=1_000_000)]
    subject_token_type: StrictStr
    service_account: Annotated[StrictStr, Field(min_length=1, max_length=255)] | None = None
    requested_token_type: StrictStr | None = None
    actor_token: StrictStr | None = None


@router.post(PATH, operation_id="exchangeOidcToken", responses=answers(TokenExchangeOut))
async def exchange_oidc_token(request: Request, context: ContextDep) -> JSONResponse:
    """Flagstaff: a short-lived token of a service account for an ID token its trust policies
    accept (RFC 8693 token exchange)."""
    body = _checked(await _fields(request))
    exchange = TokenExchange(context.database, context.keys, context.settings, issuer_keys(context))
    exchanged = await run_in_threadpool(
        exchange.exchange,
        ExchangeRequest(
            subject_token=body.subject_token.strip(),
            service_account=body.service_account,
            ip=client_ip(request, context),
            user_agent=request.headers.get("user-agent"),
        ),
    )
    answer = {
        "access_token": exchanged.secret,
        "issued_token_type": ISSUED_TOKEN_TYPE,
        "token_type": "Bearer",
        "expires_in": exchanged.expires_in,
    }
    return JSONResponse(answer, headers=NO_STORE)


async def _fields(request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == FORM_TYPE:
        form = await request.form(max_files=0, max_fields=20)
        return {key: value for key, value in form.items() if isinstance(value, str)}
    try:
        parsed = await request.json()
    except ValueError:
        raise BadDataError("invalid request: the body is not valid JSON.") from None
    if not isinstance(parsed, dict):
        raise BadDataError("invalid request: the body must be a JSON object or a form.")
    return parsed


def _checked(fields: dict[str, Any]) -> ExchangeIn:
    try:
        body = ExchangeIn.model_validate(fields)
    except ValidationError as error:
        first = error.errors(include_input=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or "body"
        raise BadDataError(f"invalid request: {field}: {first['msg']}.") from None
    if body.grant_type != GRANT_TYPE:
        raise BadDataError(f"invalid request: grant_type must be {GRANT_TYPE}.")
    if body.subject_token_type not in SUBJECT_TOKEN_TYPES:
        raise BadDataError(
            "invalid request: subject_token_type must be "
            + " or ".join(sorted(SUBJECT_TOKEN_TYPES))
            + "."
        )
    if body.requested_token_type not in (None, ISSUED_TOKEN_TYPE):
        raise BadDataError(
            f"invalid request: requested_token_type can only be {ISSUED_TOKEN_TYPE}."
        )
    if body.actor_token is not None:
        raise BadDataError("invalid request: delegation (actor_token) is not supported.")
    return body
