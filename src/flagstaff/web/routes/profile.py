"""Profile: who you are, your personal access tokens (show-once on create), your password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from flagstaff.auth.passwords import WeakPasswordError
from flagstaff.context import AppContext
from flagstaff.db import utcnow
from flagstaff.deps import ContextDep, SessionDep
from flagstaff.errors import FlagstaffError, NameExistsError, NotFoundError
from flagstaff.tokens.service import IssuedToken, TokenOwnerKind
from flagstaff.web import services
from flagstaff.web.deps import FormDep, PageUser, PostUser, WebUser, text
from flagstaff.web.forms import DEFAULT_EXPIRY, EXPIRY_LABELS, FormError, FormState, expiry_from
from flagstaff.web.rendering import redirect, render
from flagstaff.web.routing import WebRoute
from flagstaff.web.views import TokenRow, account_row, token_row

router = APIRouter(route_class=WebRoute, include_in_schema=False)

TokenId = Annotated[int, Path(ge=1, le=2_147_483_647)]
DUPLICATE = "A token with that description already exists."


def profile_page(
    request: Request,
    user: WebUser,
    db: Session,
    context: AppContext,
    *,
    token_form: FormState | None = None,
    password_form: FormState | None = None,
    created: IssuedToken | None = None,
    status: int = 200,
) -> Response:
    account = services.accounts(db, context).get_account(user.account_id)
    tokens = services.account_tokens(db, context).list_for(account.id)
    limit = context.settings.max_tokens_per_account
    return render(
        request,
        "profile/profile.html",
        user=user,
        status=status,
        account=account_row(account, tokens, utcnow()),
        token_form=token_form or FormState(values={"expiry": DEFAULT_EXPIRY}),
        password_form=password_form or FormState(),
        expiry_choices=EXPIRY_LABELS,
        limit=limit,
        at_limit=len(tokens) >= limit,
        created_secret=created.secret if created else None,
    )


@router.get("/profile")
def profile(request: Request, user: PageUser, db: SessionDep, context: ContextDep) -> Response:
    return profile_page(request, user, db, context)


@router.get("/profile/tokens")
def tokens(_: PageUser) -> Response:
    """Where a reload of the create response lands: the profile, without any secret."""
    return redirect("/profile#tokens")


@router.post("/profile/tokens")
def create_token(
    request: Request, user: PostUser, form: FormDep, db: SessionDep, context: ContextDep
) -> Response:
    values = {k: text(form, k) for k in ("description", "expiry", "expires_at")}
    try:
        if not values["description"]:
            raise FormError({"description": "Describe what this token will be used for."})
        expires_at = expiry_from(values["expiry"], values["expires_at"], utcnow())
        owner = services.accounts(db, context).get_account(user.account_id)
        issued = services.account_tokens(db, context).create(
            user.actor, owner, TokenOwnerKind.PERSONAL, values["description"], expires_at
        )
    except (FormError, FlagstaffError) as problem:
        db.rollback()
        if isinstance(problem, FormError):
            errors = problem.errors
        elif isinstance(problem, NameExistsError):
            errors = {"description": DUPLICATE}
        else:
            errors = {"": str(problem)}
        state = FormState(values, errors)
        return profile_page(request, user, db, context, token_form=state, status=400)
    return profile_page(request, user, db, context, created=issued)


def _own_token(db: Session, context: AppContext, user: WebUser, token_id: int) -> TokenRow:
    for token in services.account_tokens(db, context).list_for(user.account_id):
        if token.id == token_id:
            return token_row(token, utcnow())
    raise NotFoundError(f"Could not find a token with id {token_id}")


@router.get("/profile/tokens/{token_id}/delete")
def delete_token_page(
    request: Request, token_id: TokenId, user: PageUser, db: SessionDep, context: ContextDep
) -> Response:
    token = _own_token(db, context, user, token_id)
    return render(request, "profile/token_delete.html", user=user, token=token)


@router.post("/profile/tokens/{token_id}/delete")
def delete_token(
    token_id: TokenId, user: PostUser, db: SessionDep, context: ContextDep
) -> Response:
    token = _own_token(db, context, user, token_id)
    services.account_tokens(db, context).delete(
        user.actor, user.account_id, token_id, TokenOwnerKind.PERSONAL
    )
    return redirect("/profile#tokens", flash=f'The token "{token.description}" was deleted.')


@router.post("/profile/password")
def change_password(
    request: Request, user: PostUser, form: FormDep, db: SessionDep, context: ContextDep
) -> Response:
    service = services.accounts(db, context)
    password = text(form, "password", strip=False)
    try:
        account = service.get_user(user.account_id)
        if not context.passwords.verify(account.password_hash, text(form, "old", strip=False)):
            raise FormError({"old": "That is not your current password."})
        if password != text(form, "confirm", strip=False):
            raise FormError({"confirm": "The two passwords differ."})
        # The session you are using stays; your other sessions end.
        service.set_password(account.id, password, keep_session_id=user.principal.credential_id)
    except (FormError, FlagstaffError) as problem:
        db.rollback()
        if isinstance(problem, FormError):
            errors = problem.errors
        elif isinstance(problem, WeakPasswordError):
            errors = {"password": " ".join(d["message"] for d in problem.details)}
        else:
            errors = {"": str(problem)}
        state = FormState({}, errors)
        return profile_page(request, user, db, context, password_form=state, status=400)
    return redirect("/profile", flash="Your password was changed. Your other sessions ended.")
