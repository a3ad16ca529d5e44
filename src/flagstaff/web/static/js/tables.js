// Filtering a table as you type (the search form also works without this, on the server).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("[data-filter-table]")) {
    const table = document.querySelector(input.dataset.filterTable);
    if (!table) continue;
    const apply = () => filterRows(table, input.value);
    input.addEventListener("input", apply);
    input.form.addEventListener("submit", (event) => {
      event.preventDefault();
      apply();
    });
    apply();
  }
});

function filterRows(table, query) {
  const needle = query.trim().toLowerCase();
  let shown = 0;
  for (const row of table.querySelectorAll("tbody tr[data-search]")) {
    const match = !needle || row.dataset.search.includes(needle);
    row.hidden = !match;
    if (match) shown += 1;
  }
  const empty = table.querySelector("[data-empty-row]");
  if (empty) {
    empty.hidden = shown > 0;
    const echo = empty.querySelector("[data-empty-query]");
    if (echo) echo.textContent = query.trim();
  }
}
