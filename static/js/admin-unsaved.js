// Leaving a form with unsaved changes asks first (the browser's own "Leave site?" dialog);
// saving it, or leaving it unchanged, does not. Only the editor's own input counts, and what a
// script changes for them when it says so with an "admin:changed" event (rows moved by their
// handles, rows added from a file).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("#content-main form[id$=_form][method=post]");  // the change form, not a panel
  if (!form) return;
  let changed = false;
  const mark = (event) => {
    if (event.isTrusted) changed = true;
  };
  form.addEventListener("input", mark);
  form.addEventListener("change", mark);
  form.addEventListener("admin:changed", () => {
    changed = true;
  });
  form.addEventListener("submit", () => {
    changed = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (!changed) return;
    event.preventDefault();
    event.returnValue = "";
  });
});
