// Drafts that survive: a form marked data-draft="visit:household:42" is kept on the phone
// (localStorage) while it is typed, and laid back when the page is opened again, with a notice
// and a way to discard it. The draft belongs to the logged-in user (the key holds their id) and
// is cleared only when the server says the form was saved (#drafts[data-saved], see
// gridapp/core/drafts.py), never on submit: the submission may fail (an error, an expired
// log-in, a refused CSRF token), and then what was typed is still here.
// Never kept: passwords, files, the CSRF token. Every draft on the phone is cleared at log-out,
// when another user logs in on it, and after MAX_AGE_MS. The words come from
// templates/includes/drafts.html, translated there.
(() => {
  const config = document.getElementById("drafts");
  if (!config) {
    return;
  }
  const PREFIX = "gridapp.draft.";
  const OWNER = "gridapp.drafts.owner";
  const MAX_AGE_MS = 3 * 24 * 3600 * 1000; // docs/security.md says so
  const SKIPPED = new Set(["file", "password", "submit", "button", "reset", "image"]);
  // The token is the page's own; DRAFT_FIELD tells the server whose draft the phone keeps, so a
  // form refused because the log-in had ended says why once its user is back on it
  // (gridapp.accounts.security.keep_form).
  const DRAFT_FIELD = "gridapp_draft";
  const NOT_KEPT = new Set(["csrfmiddlewaretoken", DRAFT_FIELD]);
  let storage;
  try {
    storage = window.localStorage;
    storage.getItem(OWNER);
  } catch (error) {
    return; // storage refused (a private window, a policy): the forms work as they always did
  }

  const draftKeys = () => {
    const keys = [];
    for (let i = 0; i < storage.length; i += 1) {
      if (storage.key(i).startsWith(PREFIX)) {
        keys.push(storage.key(i));
      }
    }
    return keys;
  };
  let loggedOut = false; // no draft is written after the log-out (a change pending, the page hidden)
  const clearAll = () => {
    loggedOut = true;
    draftKeys().forEach((key) => storage.removeItem(key));
    storage.removeItem(OWNER);
  };
  // Another script (the offline cache's log-out) may call this too.
  window.gridappDrafts = { clearAll };

  // The log-out button: nothing typed by this user stays on the phone. A page that marks itself
  // as the one after a log-out (data-logged-out anywhere on it) clears them as well.
  if (document.querySelector("[data-logged-out]")) {
    clearAll();
  }
  document.addEventListener("submit", (event) => {
    const action = event.target.getAttribute("action");
    if (action && action === config.dataset.logout) {
      clearAll();
    }
  });

  const user = config.dataset.user;
  if (!user) {
    return; // logged out (or the session ended): drafts wait for their user to log in again
  }
  const read = (key) => {
    try {
      return JSON.parse(storage.getItem(key));
    } catch (error) {
      return null;
    }
  };
  // Another account on this phone: the previous one's drafts go (they could not see them anyway).
  if (storage.getItem(OWNER) !== user) {
    draftKeys().forEach((key) => storage.removeItem(key));
    storage.setItem(OWNER, user);
  }
  const now = Date.now();
  draftKeys().forEach((key) => {
    const draft = read(key);
    if (!draft || !(now - draft.savedAt < MAX_AGE_MS)) {
      storage.removeItem(key);
    }
  });
  const storageKey = (name) => `${PREFIX}${user}.${name}`;
  config.dataset.saved.split(" ").filter(Boolean).forEach((name) => storage.removeItem(storageKey(name)));

  // A form's state: each field's values by name, and the chips of its pickers (search.js).
  const chipName = (picker) => picker.querySelector("template").content.querySelector("input").name;
  const fieldsOf = (form) => [...form.elements].filter(
    (el) => el.name && !NOT_KEPT.has(el.name) && !SKIPPED.has(el.type) && !el.closest("[data-chip]")
  );
  const snapshot = (form) => {
    const fields = {};
    fieldsOf(form).forEach((el) => {
      const values = fields[el.name] || (fields[el.name] = []);
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) {
          values.push(el.value);
        }
      } else if (el.type === "select-multiple") {
        values.push(...[...el.selectedOptions].map((option) => option.value));
      } else {
        values.push(el.value);
      }
    });
    const chips = {};
    form.querySelectorAll("[data-picker]").forEach((picker) => {
      chips[chipName(picker)] = [...picker.querySelectorAll("[data-chips] [data-chip]")].map((chip) => [
        chip.querySelector("input").value,
        chip.querySelector("[data-chip-label]").textContent,
      ]);
    });
    return { fields, chips };
  };
  const lay = (form, state) => {
    fieldsOf(form).forEach((el) => {
      const values = state.fields[el.name];
      if (!values) {
        return;
      }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.includes(el.value);
      } else if (el.type === "select-multiple") {
        [...el.options].forEach((option) => { option.selected = values.includes(option.value); });
      } else {
        const same = fieldsOf(form).filter((other) => other.name === el.name);
        el.value = values[same.indexOf(el)] ?? "";
      }
      // A follow-up typed inside a closed <details> must be seen.
      const details = el.closest("details");
      if (details && values.some((value) => value !== "")) {
        details.open = true;
      }
    });
    form.querySelectorAll("[data-picker]").forEach((picker) => {
      const chips = state.chips[chipName(picker)];
      if (!chips) {
        return;
      }
      const list = picker.querySelector("[data-chips]");
      list.replaceChildren(...chips.map(([value, label]) => {
        const chip = picker.querySelector("template").content.firstElementChild.cloneNode(true);
        chip.querySelector("input").value = value;
        chip.querySelector("[data-chip-label]").textContent = label;
        const remove = chip.querySelector("[data-chip-remove]");
        remove.setAttribute("aria-label", `${remove.getAttribute("aria-label")} ${label}`);
        remove.hidden = false;
        return chip;
      }));
    });
  };

  const pad = (n) => String(n).padStart(2, "0");
  const notice = (form, draft, original) => {
    const box = document.createElement("div");
    box.className = "alert alert-info d-flex flex-wrap align-items-center gap-2";
    box.setAttribute("role", "status");
    box.dataset.draftNotice = "";
    const at = new Date(draft.savedAt);
    const text = document.createElement("span");
    text.className = "flex-grow-1";
    text.textContent = config.dataset.restored.replace("{time}", `${pad(at.getHours())}:${pad(at.getMinutes())}`);
    if (form.querySelector("input[type=file]")) {
      text.textContent += ` ${config.dataset.noFiles}`;
    }
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-outline-secondary";
    discard.textContent = config.dataset.discard;
    discard.addEventListener("click", () => {
      storage.removeItem(storageKey(form.dataset.draft));
      lay(form, original);
      text.textContent = config.dataset.discarded;
      discard.remove();
    });
    box.append(text, discard);
    form.before(box);
  };

  document.querySelectorAll("form[data-draft]").forEach((form) => {
    const key = storageKey(form.dataset.draft);
    const owner = document.createElement("input");
    owner.type = "hidden";
    owner.name = DRAFT_FIELD;
    owner.value = user;
    form.append(owner);
    const original = snapshot(form);
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    const draft = read(key);
    // The server's answer to a submission shows what was sent and its errors: leave it as it is.
    if (draft && !form.hasAttribute("data-draft-bound")) {
      lay(form, draft);
      notice(form, draft, original);
    }
    let timer = null;
    const save = () => {
      clearTimeout(timer);
      timer = null;
      if (loggedOut) {
        return;
      }
      const state = snapshot(form);
      if (same(state, original)) {
        storage.removeItem(key); // typed and taken back: nothing to keep
      } else {
        try {
          storage.setItem(key, JSON.stringify({ savedAt: Date.now(), ...state }));
        } catch (error) {
          // storage full: the form still works, only the draft is not kept
        }
      }
    };
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(save, 400);
    };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("click", later); // a picker's chip added or removed
    // What is on the page when it is sent, hidden or closed is kept whatever the timer says.
    form.addEventListener("submit", save);
    const flush = () => {
      if (timer !== null) {
        save();
      }
    };
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", flush);
  });
})();
