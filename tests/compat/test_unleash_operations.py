"""Every operation Flagstaff serves is one Unleash documents (or a listed older one), so an SDK,
a script or Terraform written against Unleash finds the same method on the same path; and the
coverage document says truthfully how much of Unleash's API is served."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from tests.compat.coverage import (
    COVERAGE_DOC,
    EXTENSIONS,
    EXTRAS,
    coverage_markdown,
    flagstaff_operations,
    unleash_operations,
)

pytestmark = pytest.mark.engine_independent


def test_operations__every_one_served__is_unleash_s_or_a_listed_extra(app: FastAPI) -> None:
    known = {op.key for operations in unleash_operations().values() for op in operations}
    ours = flagstaff_operations(app.openapi())
    unknown = sorted(ours - known - set(EXTRAS) - set(EXTENSIONS), key=lambda k: (k[1], k[0]))
    assert unknown == [], "operations Unleash does not document (add to EXTRAS or EXTENSIONS)"


def test_operations__extras__still_served(app: FastAPI) -> None:
    ours = flagstaff_operations(app.openapi())
    assert sorted(set(EXTRAS) - ours) == []
    assert sorted(set(EXTENSIONS) - ours) == []


def test_coverage_doc__regenerated__unchanged(app: FastAPI) -> None:
    expected = coverage_markdown(flagstaff_operations(app.openapi()))
    assert COVERAGE_DOC.read_text() == expected, "run scripts/api-coverage"
