"""Reading and writing instance-wide settings. A write records Unleash's ``setting-created`` or
``setting-updated`` event in the caller's transaction, which bumps the revision: every process
drops its cached copy (``instance.state``) within a poll interval."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flagstaff.core.db import engine_insert, utcnow
from flagstaff.events.service import Actor, EventService
from flagstaff.instance.models import InstanceSetting

FRONTEND_SETTINGS = "unleash.frontend"  # Unleash's key: {"frontendApiOrigins": [...]}
ORIGINS_KEY = "frontendApiOrigins"
MAINTENANCE_SETTINGS = "maintenance.mode"  # Unleash's key: {"enabled": bool}


class InstanceSettingsService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.events = EventService(session)

    def get(self, name: str) -> Any | None:
        statement = select(InstanceSetting.content).where(InstanceSetting.name == name)
        return self.session.scalar(statement)

    def put(
        self, actor: Actor, name: str, content: dict[str, Any], *, show_details: bool = False
    ) -> None:
        """Create or replace one setting. As Unleash, the event hides the values unless the
        setting is harmless to show (``show_details``)."""
        existing = self.session.get(InstanceSetting, name, with_for_update=True)
        if existing is None and self._insert(name, content):
            data = {"id": name, **content} if show_details else _hidden(name)
            self.events.record(actor, "setting-created", data=data)
            return
        if existing is None:  # another transaction created it first: update theirs
            existing = self.session.get(
                InstanceSetting, name, with_for_update=True, populate_existing=True
            )
            assert existing is not None
        before = existing.content
        existing.content = content
        existing.updated_at = utcnow()
        self.session.flush()
        self.events.record(
            actor,
            "setting-updated",
            data={"id": name, **content} if show_details else _hidden(name),
            pre_data=before if show_details else {"hideEventDetails": True},
        )

    def _insert(self, name: str, content: dict[str, Any]) -> bool:
        statement = (
            engine_insert(self.session, InstanceSetting)
            .values(name=name, content=content, updated_at=utcnow())
            .on_conflict_do_nothing(index_elements=["name"])
            .returning(InstanceSetting.name)
        )
        return self.session.execute(statement).first() is not None

    def set_frontend_api_origins(self, actor: Actor, origins: list[str]) -> None:
        settings = self.get(FRONTEND_SETTINGS)
        current = settings if isinstance(settings, dict) else {}
        self.put(actor, FRONTEND_SETTINGS, {**current, ORIGINS_KEY: origins}, show_details=True)

    def set_maintenance(self, actor: Actor, enabled: bool) -> None:
        """As Unleash: recorded as the setting's ``setting-created``/``setting-updated`` event
        with its value shown, even when the value does not change."""
        self.put(actor, MAINTENANCE_SETTINGS, {"enabled": enabled}, show_details=True)


def _hidden(name: str) -> dict[str, Any]:
    return {"id": name, "hideEventDetails": True}
