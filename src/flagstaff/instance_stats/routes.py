"""``/api/admin/instance-admin/statistics`` and its CSV download (Admins, as Unleash)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response

from flagstaff.core.routing import TransactionalRoute
from flagstaff.core.schemas import answers
from flagstaff.http.deps import AdminDep, ContextDep, SessionDep
from flagstaff.instance_stats.schemas import InstanceAdminStatsSchema
from flagstaff.instance_stats.service import InstanceStatsService

router = APIRouter(route_class=TransactionalRoute, tags=["Instance Admin"])

BASE = "/api/admin/instance-admin/statistics"


@router.get(BASE, operation_id="getInstanceAdminStats", responses=answers(InstanceAdminStatsSchema))
def get_instance_stats(_: AdminDep, db: SessionDep, context: ContextDep) -> dict[str, Any]:
    return InstanceStatsService(db, context.keys).stats()


@router.get(
    BASE + "/csv",
    operation_id="getInstanceAdminStatsCsv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def get_instance_stats_csv(_: AdminDep, db: SessionDep, context: ContextDep) -> Response:
    stats = InstanceStatsService(db, context.keys).stats()
    produced = datetime.fromisoformat(stats["timestamp"].replace("Z", "+00:00"))
    # Unleash's download name: the instance id and the time in epoch milliseconds.
    filename = f"unleash-{stats['instanceId']}-{int(produced.timestamp() * 1000)}.csv"
    return Response(
        content=to_csv(stats),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def to_csv(stats: dict[str, Any]) -> str:
    """Unleash's CSV: a header row of the field names and one row of values; text, objects and
    lists (as JSON) in double quotes, numbers and booleans bare."""
    header = ",".join(_quoted(name) for name in stats)
    row = ",".join(_cell(value) for value in stats.values())
    return f"{header}\n{row}"


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return _quoted(value)
    return _quoted(json.dumps(value, separators=(",", ":")))


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
