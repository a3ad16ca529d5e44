"""Scraping ``/internal-backstage/prometheus`` and reading it with Prometheus's own parser."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

PATH = "/internal-backstage/prometheus"


@dataclass
class Scrape:
    samples: list[Sample]
    families: dict[str, str]  # name -> type

    def value(self, name: str, **labels: str) -> float:
        """The sum of the samples called ``name`` whose labels include ``labels`` (0 if none)."""
        return sum(
            s.value
            for s in self.samples
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
        )

    def label_values(self, name: str, label: str) -> set[str]:
        return {s.labels[label] for s in self.samples if s.name == name and label in s.labels}

    @property
    def names(self) -> set[str]:
        return {s.name for s in self.samples}


def parse(text: str) -> Scrape:
    families = list(text_string_to_metric_families(text))
    return Scrape(
        samples=[sample for family in families for sample in family.samples],
        families={family.name: family.type for family in families},
    )


def scrape(client: TestClient, headers: dict[str, str] | None = None) -> Scrape:
    response = client.get(PATH, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return parse(response.text)
