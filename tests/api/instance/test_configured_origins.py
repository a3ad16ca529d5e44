"""``FLAGSTAFF_FRONTEND_API_ORIGINS``: the origins allowed until an admin sets them."""

from __future__ import annotations

import pytest

from flagstaff.config import ConfigError, Settings, load_settings


def test_origins__unset__any_origin_as_unleash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLAGSTAFF_FRONTEND_API_ORIGINS", raising=False)
    assert Settings().frontend_api_origins == ["*"]


def test_origins__comma_separated__listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "FLAGSTAFF_FRONTEND_API_ORIGINS", "https://app.example.com, http://localhost:3000,"
    )
    assert Settings().frontend_api_origins == ["https://app.example.com", "http://localhost:3000"]


@pytest.mark.parametrize(
    "value", ["app.example.com", "https://app.example.com/", "https://*.x.com"]
)
def test_origins__invalid__refused_at_start_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("FLAGSTAFF_FRONTEND_API_ORIGINS", value)
    with pytest.raises(ConfigError, match="FLAGSTAFF_FRONTEND_API_ORIGINS"):
        load_settings()
