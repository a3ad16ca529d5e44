"""Body templates: fields in, anything else in braces refused at save time."""

from __future__ import annotations

import pytest

from flagstaff.addons.templates import TemplateError, check, render

pytestmark = pytest.mark.engine_independent

EVENT = {"event": {"type": "feature-created", "id": 7, "data": {"name": "f", "on": True}}}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{event.type}}", "feature-created"),
        ("{{ event.type }}!", "feature-created!"),
        ("{{{event.type}}}", "feature-created"),
        ("n={{event.id}}", "n=7"),
        ("{{event.data.on}}", "true"),
        ("{{event.data}}", '{"name": "f", "on": true}'),
        ("[{{event.missing}}]", "[]"),
        ("[{{event.type.deeper}}]", "[]"),
        ("no tags", "no tags"),
    ],
)
def test_render__fields__put_in(template: str, expected: str) -> None:
    assert render(template, EVENT) == expected


@pytest.mark.parametrize(
    "template",
    ["{{#event}}x{{/event}}", "{{> partial}}", "{{event.type", "}}", "{{!comment}}", "{{a b}}"],
)
def test_check__not_a_field_tag__refused(template: str) -> None:
    with pytest.raises(TemplateError):
        check(template)


def test_check__too_long__refused() -> None:
    with pytest.raises(TemplateError):
        check("x" * 10_001)
