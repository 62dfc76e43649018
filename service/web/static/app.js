// gracemail: small comforts only; the server enforces every rule on its own.
"use strict";

// Forms whose text was changed and not yet saved: leaving the page asks first.
const dirty = new Set();

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.busy) {
    event.preventDefault(); // a second click while the first is on its way
    return;
  }
  form.dataset.busy = "1";
  dirty.clear(); // this form carries its text; the page it leads to shows what became of it
  // disable after the browser has read the clicked button's value into the request
  setTimeout(() => form.querySelectorAll("button").forEach((b) => { b.disabled = true; }), 0);
});

document.addEventListener("input", (event) => {
  const input = event.target;
  const form = input.form;
  if (form && form.method === "post" && input.matches("textarea, input[type=text], input[type=date]")) {
    dirty.add(form);
  }
  if (!input.classList.contains("to")) return;
  const send = form && form.querySelector("button.send");
  if (send) send.disabled = input.value.trim() === "";
});

window.addEventListener("beforeunload", (event) => {
  if (dirty.size === 0) return;
  event.preventDefault();
  event.returnValue = ""; // the browser shows its own "leave site?" question
});

document.addEventListener("change", (event) => {
  if (event.target.id === "label-filter") event.target.form.submit();
});

// Keyboard: j/k move through the cards (or drafts), e opens or edits, a goes to Approve and
// send (Enter then sends: one deliberate key more), # discards after a question, / searches.
function items() {
  const cards = [...document.querySelectorAll(".card")];
  return cards.length ? cards : [...document.querySelectorAll("section.draft")];
}

function current() {
  return document.querySelector(".card.selected, section.draft.selected");
}

function select(delta) {
  const all = items();
  if (!all.length) return;
  const now = current();
  const next = now ? Math.min(all.length - 1, Math.max(0, all.indexOf(now) + delta)) : 0;
  if (now) now.classList.remove("selected");
  all[next].classList.add("selected");
  all[next].scrollIntoView({ block: "nearest" });
}

// # on a card discards that message's waiting replies: the bulk action, for this card alone
// (the user's ticks on other cards stay as they are)
function discardCard(card) {
  const bulk = document.getElementById("bulk");
  const form = document.createElement("form");
  form.method = "post";
  form.action = bulk.getAttribute("action"); // bulk.action is its buttons named "action"
  const fields = [
    ["csrf", bulk.elements.csrf.value],
    ["back", bulk.elements.back.value],
    ["action", "discard"],
    ["ids", card.dataset.pk],
  ];
  for (const [name, value] of fields) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  // keys type into text fields; a ticked checkbox keeps focus but takes no letters
  if (event.target.closest("input:not([type=checkbox]), textarea, select")) {
    if (event.key === "Escape") event.target.blur();
    return;
  }
  const here = current() || items()[0];
  const key = event.key;
  if (key === "j" || key === "k") {
    select(key === "j" ? 1 : -1);
  } else if (key === "/") {
    const search = document.getElementById("search");
    if (search) search.focus();
  } else if (key === "e" && here) {
    const link = here.querySelector("a.subject");
    const text = here.querySelector("textarea");
    if (link) window.location.href = link.href;
    else if (text) text.focus();
  } else if (key === "a" && here) {
    const send = here.querySelector("button.send:not(:disabled)");
    if (send) send.focus();
  } else if (key === "x" && here) {
    const pick = here.querySelector("input.pick");
    if (pick) pick.checked = !pick.checked;
  } else if (key === "#" && here) {
    const discard = here.querySelector("button.discard");
    if (discard) {
      if (window.confirm("Discard this draft?")) discard.click();
    } else if (here.dataset.pk && document.getElementById("bulk")) {
      if (window.confirm("Discard the waiting replies to this message?")) discardCard(here);
    }
  } else {
    return;
  }
  event.preventDefault();
});

// A scheduled draft counts down its undo window, and the page reloads once it has gone out.
const scheduled = [...document.querySelectorAll("[data-send-at]")];
if (scheduled.length) {
  const tick = () => {
    let next = Infinity;
    for (const el of scheduled) {
      const left = Math.ceil((Date.parse(el.dataset.sendAt) - Date.now()) / 1000);
      const shown = el.querySelector(".countdown");
      if (shown) shown.textContent = left > 0 ? ` (in ${left} s)` : " (now)";
      next = Math.min(next, left);
    }
    if (next < -1 && dirty.size === 0) window.location.reload();
    else setTimeout(tick, 1000);
  };
  tick();
}

// New mail without a reload: every few seconds ask /live for the newest message and the
// waiting count. The count in the nav and the title follow at once; on the inbox and All mail
// the list is fetched anew, unless the user is typing or has ticked cards, who gets a link.
const body = document.body;
const POLL_MS = window.GRACEMAIL_POLL_MS || 15000;

function showWaiting(count) {
  const badge = document.getElementById("waiting-count");
  if (badge) {
    badge.textContent = String(count);
    badge.hidden = count === 0;
  }
  document.title = (count ? `(${count}) ` : "") + body.dataset.title;
  body.dataset.waiting = String(count);
}

async function refreshList() {
  const answer = await fetch(window.location.href, { credentials: "same-origin" });
  if (!answer.ok) return;
  const fresh = new DOMParser().parseFromString(await answer.text(), "text/html");
  const chosen = current() && current().dataset.pk;
  const main = document.querySelector("main");
  main.replaceChildren(...document.adoptNode(fresh.querySelector("main")).childNodes);
  body.dataset.newest = fresh.body.dataset.newest;
  const again = chosen && document.querySelector(`.card[data-pk="${chosen}"]`);
  if (again) again.classList.add("selected");
}

async function poll() {
  try {
    const answer = await fetch("/live", { credentials: "same-origin", cache: "no-store" });
    if (answer.ok) {
      const state = await answer.json();
      const changed = String(state.newest) !== body.dataset.newest
        || String(state.waiting) !== body.dataset.waiting;
      if (String(state.waiting) !== body.dataset.waiting) showWaiting(state.waiting);
      if (body.dataset.live && changed) {
        const busy = dirty.size || document.querySelector("input.pick:checked")
          || document.activeElement.closest("input, textarea, select");
        if (busy) document.getElementById("live-new").hidden = false;
        else await refreshList();
      }
    }
  } catch (error) {
    // offline or restarting: try again at the next tick
  }
  setTimeout(poll, POLL_MS);
}
setTimeout(poll, POLL_MS);
