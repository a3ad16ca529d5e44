// Flagstaff: the little behaviour pages need. Every page works without it; this makes it nicer.
"use strict";

document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  setUpMenu();
  fadeToasts();
  setUpCopyButtons();
  setUpShowOnceDialog();
});

function setUpMenu() {
  const toggle = document.querySelector("[data-menu-toggle]");
  const nav = document.getElementById("main-nav");
  if (!toggle || !nav) return;
  toggle.addEventListener("click", () => {
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
}

function fadeToasts() {
  for (const toast of document.querySelectorAll("[data-toast]")) {
    setTimeout(() => toast.classList.add("fade"), 4000);
    setTimeout(() => toast.remove(), 4500);
  }
}

function setUpCopyButtons() {
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      const field = document.querySelector(button.dataset.copy);
      const status = button.closest("dialog, form, section, body").querySelector("[data-copy-status]");
      if (!field) return;
      let copied = false;
      try {
        await navigator.clipboard.writeText(field.value);
        copied = true;
      } catch (_) {
        field.select();
        copied = document.execCommand && document.execCommand("copy");
      }
      if (status) status.textContent = copied ? "Token copied to clipboard" : "Select the token and copy it";
    });
  }
}

// The show-once dialog: modal, closed only by its button. The page that holds the secret is
// the response to a POST; its history entry is rewritten to the plain page, so reloading or
// coming back never shows the secret again.
function setUpShowOnceDialog() {
  const dialog = document.querySelector("[data-show-once]");
  if (!dialog) return;
  const returnUrl = dialog.dataset.returnUrl;
  if (returnUrl) history.replaceState(null, "", returnUrl);
  let closing = false;
  if (typeof dialog.showModal === "function") {
    dialog.close();
    dialog.showModal();
    dialog.addEventListener("cancel", (event) => event.preventDefault());
    dialog.addEventListener("close", () => {
      if (!closing && !dialog.open) dialog.showModal();
    });
  }
  const field = dialog.querySelector("[data-secret]");
  if (field) {
    field.focus();
    field.select();
  }
  const close = dialog.querySelector("[data-close-show-once]");
  close.addEventListener("click", (event) => {
    event.preventDefault();
    closing = true;
    dialog.close();
    dialog.remove();
    location.replace(close.getAttribute("href"));
  });
}
