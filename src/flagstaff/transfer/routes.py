"""HTTP routes of import and export (``/api/admin/features-batch``).

As in Unleash, all three are open to every account (``NONE``): export reads what any account can
read; validation reports, among the rest, the permissions the caller lacks; the import itself
refuses a caller without the permissions for each kind of change it would make.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.http.deps import ActorDep, AnyAccountDep, SessionDep
from flagstaff.transfer.export import ExportQuery, ExportService
from flagstaff.transfer.schemas import (
    ExportQueryIn,
    ExportResultSchema,
    ImportIn,
    ImportTogglesValidateSchema,
)
from flagstaff.transfer.service import ImportService

router = APIRouter(route_class=TransactionalRoute, tags=["Import/Export"])

BASE = "/api/admin/features-batch"


@router.post(f"{BASE}/export", operation_id="exportFeatures", responses=answers(ExportResultSchema))
def export_features(
    body: ExportQueryIn, actor: ActorDep, _: AnyAccountDep, db: SessionDep
) -> Response:
    query = ExportQuery(
        environment=body.environment,
        features=body.features,
        tag=body.tag,
        project=body.project,
    )
    result = ExportService(db).export(actor, query)
    headers = None
    if body.download_file:
        # Unleash's UI saves the body itself; a client following the flag's name gets a file.
        headers = {"Content-Disposition": 'attachment; filename="export.json"'}
    return JSONResponse(result, headers=headers)


@router.post(
    f"{BASE}/validate",
    operation_id="validateImport",
    responses=answers(ImportTogglesValidateSchema),
)
def validate_import(
    body: ImportIn, actor: ActorDep, principal: AnyAccountDep, db: SessionDep
) -> dict[str, Any]:
    return ImportService(db).validate(actor, principal, body.project, body.environment, body.data)


@router.post(f"{BASE}/import", operation_id="importToggles")
def import_features(
    body: ImportIn, actor: ActorDep, principal: AnyAccountDep, db: SessionDep
) -> Response:
    ImportService(db).run(actor, principal, body.project, body.environment, body.data)
    return Response(status_code=200)
