// gracemail: small comforts only; the server enforces every rule on its own.
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.busy) {
    event.preventDefault(); // a second click while the first is on its way
    return;
  }
  form.dataset.busy = "1";
  // disable after the browser has read the clicked button's value into the request
  setTimeout(() => form.querySelectorAll("button").forEach((b) => { b.disabled = true; }), 0);
});

document.addEventListener("input", (event) => {
  const input = event.target;
  if (!input.classList.contains("to")) return;
  const send = input.form && input.form.querySelector("button.send");
  if (send) send.disabled = input.value.trim() === "";
});

document.addEventListener("change", (event) => {
  if (event.target.id === "label-filter") event.target.form.submit();
});
