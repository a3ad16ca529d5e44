// Form helpers: token expiry choices, a token's limits, the username suggestion, "generate a
// token now".
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("[data-expiry-select]")) setUpExpiry(select);
  for (const form of document.querySelectorAll("[data-service-account-form]")) setUpServiceAccountForm(form);
  for (const form of document.querySelectorAll("[data-strategy-form]")) setUpStrategyForm(form);
  for (const section of document.querySelectorAll("[data-scope-fields]")) setUpScopeFields(section);
});

// Permission ticks count only with "Only the permissions ticked below": otherwise they are
// switched off, so the form never sends ticks it would refuse.
function setUpScopeFields(section) {
  const body = section.querySelector("fieldset");
  if (body && body.disabled) return;
  const choices = section.querySelectorAll("[data-scope-access]");
  const update = () => {
    const chosen = section.querySelector("[data-scope-access]:checked");
    const some = chosen && chosen.value === "chosen";
    for (const group of section.querySelectorAll("[data-scope-permissions]")) group.disabled = !some;
  };
  for (const choice of choices) choice.addEventListener("change", update);
  update();
}

const EXPIRY_DAYS = { "7d": 7, "30d": 30, "60d": 60, "90d": 90 };

function setUpExpiry(select) {
  const scope = select.closest("form");
  const custom = scope.querySelector("[data-custom-expiry]");
  const customInput = custom && custom.querySelector("input");
  const summary = scope.querySelector("[data-expiry-summary]");
  const never = scope.querySelector("[data-never-warning]");
  if (customInput && !customInput.value) {
    const soon = new Date(Date.now() + 30 * 60 * 1000);
    customInput.value = soon.toISOString().slice(0, 16);
  }
  if (customInput) customInput.min = new Date().toISOString().slice(0, 16);
  const update = () => {
    const choice = select.value;
    if (custom) custom.hidden = choice !== "custom";
    if (never) never.hidden = choice !== "never";
    if (!summary) return;
    let when = null;
    if (choice in EXPIRY_DAYS) when = new Date(Date.now() + EXPIRY_DAYS[choice] * 86400000);
    else if (choice === "custom" && customInput && customInput.value) when = new Date(customInput.value + "Z");
    summary.textContent = when && !isNaN(when) ? "Token will expire on " + when.toUTCString().replace(" GMT", " UTC") + "." : "";
  };
  select.addEventListener("change", update);
  if (customInput) customInput.addEventListener("input", update);
  update();
}

// As Unleash: "service-" + the name lower-cased, spaces to "-", other non-word characters
// (but "-" and "_") removed; suggested only when the username is empty and the result is free.
function suggestUsername(name) {
  const slug = name.trim().toLowerCase().replace(/\s+/g, "-").replace(/[^\w-]/g, "");
  return slug ? "service-" + slug : "";
}

function setUpServiceAccountForm(form) {
  const name = form.querySelector("[data-name-input]");
  const username = form.querySelector("[data-username-input]");
  let taken = [];
  try { taken = JSON.parse(form.dataset.taken || "[]"); } catch (_) { taken = []; }
  if (name && username) {
    name.addEventListener("blur", () => {
      if (username.value) return;
      const suggestion = suggestUsername(name.value);
      if (suggestion && !taken.includes(suggestion)) username.value = suggestion;
    });
  }
  const tokenPart = form.querySelector("[data-token-now]");
  const choices = form.querySelectorAll("[data-token-choice]");
  const update = () => {
    const now = form.querySelector("[data-token-choice]:checked");
    if (tokenPart) tokenPart.hidden = !now || now.value !== "now";
  };
  for (const choice of choices) choice.addEventListener("change", update);
  update();
}

function setUpStrategyForm(form) {
  const select = form.querySelector("[data-strategy-select]");
  if (select) {
    const update = () => {
      for (const group of form.querySelectorAll("[data-strategy-params]")) {
        const active = group.dataset.strategyParams === select.value;
        group.hidden = !active;
        for (const input of group.querySelectorAll("input, select, textarea")) input.disabled = !active;
      }
    };
    select.addEventListener("change", update);
    update();
  }
  const list = form.querySelector("[data-constraints]");
  const template = form.querySelector("[data-constraint-template]");
  const add = form.querySelector("[data-add-constraint]");
  if (list && template && add) {
    add.addEventListener("click", () => {
      const row = template.content.firstElementChild.cloneNode(true);
      list.appendChild(row);
      wireRemove(row);
      const first = row.querySelector("input");
      if (first) first.focus();
    });
  }
  for (const row of form.querySelectorAll("[data-constraint-row]")) wireRemove(row);
}

function wireRemove(row) {
  const remove = row.querySelector("[data-remove-constraint]");
  if (remove) remove.addEventListener("click", () => row.remove());
}
