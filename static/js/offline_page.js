// The offline page (templates/visits/offline.html; the service worker shows it for any page it
// cannot fetch): the visits waiting to send, each with what the server answered and what to do,
// the grid's households and shops, and the visit form of the place the address names
// (/households/<pk>/visit/ or /shops/<pk>/visit/), drawn from the pack offline.js keeps.
(() => {
  const { cfg, user, fill, when, allQueued, putQueued, dropQueued, enqueue, sendQueue, showCount } = window.gridappOffline;
  const app = document.getElementById("offline-app");
  if (!app) {
    return;
  }
  function button(text, classes, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `btn ${classes}`;
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }
  async function drawQueue() {
    const items = (await allQueued()).filter((item) => item.user === user);
    const list = document.getElementById("queue-list");
    list.replaceChildren();
    document.getElementById("queue-section").hidden = items.length === 0;
    for (const item of items) {
      const li = document.createElement("li");
      li.className = `card mb-2 queue-item queue-${item.status}`;
      li.dataset.clientId = item.client_id;
      const body = document.createElement("div");
      body.className = "card-body p-2";
      const head = document.createElement("div");
      head.className = "fw-semibold";
      head.textContent = `${item.label} · ${when(item.visited_at)}`;
      const state = document.createElement("div");
      state.className = `small queue-state ${item.status === "sent" ? "text-success" : item.status === "waiting" ? "text-secondary" : "text-danger"}`;
      state.textContent = item.status === "sent" ? cfg.tSent : item.status === "waiting" ? cfg.tWaiting : item.message;
      body.append(head, state);
      (item.errors || []).forEach((error) => {
        const line = document.createElement("div");
        line.className = "small text-danger";
        line.textContent = error;
        body.append(line);
      });
      if (item.todo && !["sent", "waiting"].includes(item.status)) {
        const todo = document.createElement("div");
        todo.className = "small queue-todo";
        todo.textContent = item.todo;
        body.append(todo);
      }
      const actions = document.createElement("div");
      actions.className = "d-flex flex-wrap gap-2 mt-2";
      if (item.status === "sent" && item.url) {
        const a = document.createElement("a");
        a.className = "btn btn-outline-primary";
        a.href = item.url;
        a.textContent = cfg.tOpen;
        actions.append(a);
      } else if (item.status !== "waiting") {
        if (item.can_send_anyway) {
          actions.append(button(cfg.tSendAnyway, "btn-primary", async () => {
            Object.assign(item, { status: "waiting", send_anyway: true });
            await putQueued(item);
            await sendQueue();
          }));
        } else if (["csrf", "login", "error"].includes(item.status)) {
          actions.append(button(cfg.tRetry, "btn-primary", async () => {
            item.status = "waiting";
            await putQueued(item);
            location.reload(); // a fresh page carries a fresh token, or asks to log in
          }));
        }
        actions.append(button(cfg.tDiscard, "btn-outline-danger", async () => {
          if (window.confirm(cfg.tDiscardConfirm)) {
            await dropQueued(item.client_id);
            await drawQueue();
            await showCount();
          }
        }));
      }
      if (actions.children.length) {
        body.append(actions);
      }
      li.append(body);
      list.append(li);
    }
  }

  function drawPlaces(pack) {
    const section = document.getElementById("places-section");
    const list = document.getElementById("places-list");
    const made = document.getElementById("pack-made");
    made.textContent = fill(made.dataset.text, { time: when(pack.made_at) });
    const rows = [
      ...pack.households.map((h) => ({ url: `/households/${h.id}/visit/`, text: `${h.address} · ${h.head}`, due: h.residents.some((r) => r.due) })),
      ...pack.shops.map((s) => ({ url: `/shops/${s.id}/visit/`, text: `${s.address} · ${s.name}`, due: false })),
    ];
    list.replaceChildren(...rows.map((row) => {
      const a = document.createElement("a");
      a.className = "list-group-item list-group-item-action place-row";
      a.href = row.url;
      a.textContent = row.text;
      if (row.due) {
        const badge = document.createElement("span");
        badge.className = "badge text-bg-warning ms-2";
        badge.textContent = cfg.tDue;
        a.append(badge);
      }
      return a;
    }));
    document.getElementById("places-filter").addEventListener("input", (event) => {
      const words = event.target.value.trim();
      list.querySelectorAll("a").forEach((a) => { a.hidden = words && !a.textContent.includes(words); });
    });
    section.hidden = false;
  }

  function localInput(date) {
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
  }

  function radio(name, value, label, classes) {
    const id = `${name}-${value || "none"}`;
    const input = document.createElement("input");
    Object.assign(input, { type: "radio", className: "btn-check", name, id, value, autocomplete: "off" });
    const l = document.createElement("label");
    l.className = `btn ${classes}`;
    l.htmlFor = id;
    l.textContent = label;
    return [input, l];
  }

  function drawResident(resident, conditions) {
    const card = document.createElement("div");
    card.className = "card mb-2";
    card.id = `resident-${resident.id}`;
    const body = document.createElement("div");
    body.className = "card-body p-2";
    const head = document.createElement("div");
    head.className = "d-flex justify-content-between align-items-baseline gap-2";
    const name = document.createElement("span");
    name.className = "fw-semibold";
    name.textContent = resident.name;
    if (resident.due) {
      const badge = document.createElement("span");
      badge.className = "badge text-bg-warning ms-1";
      badge.textContent = cfg.tDue;
      name.append(" ", badge);
    }
    const age = document.createElement("span");
    age.className = "small text-secondary";
    age.textContent = `${resident.age} ${cfg.tYears}${resident.care_level ? ` · ${resident.care_level}` : ""}`;
    head.append(name, age);
    body.append(head);
    if (resident.health_notes) {
      const notes = document.createElement("div");
      notes.className = "small text-danger mb-1";
      notes.textContent = resident.health_notes;
      body.append(notes);
    }
    const group = document.createElement("div");
    group.className = "choice-grid condition-choices";
    group.setAttribute("role", "radiogroup");
    group.setAttribute("aria-label", resident.name);
    const field = `resident_${resident.id}`;
    const choices = resident.must_record ? conditions : [["", cfg.tNotRecorded], ...conditions];
    for (const [value, label] of choices) {
      const color = ["needs_help", "unwell"].includes(value) ? "btn-outline-danger" : ["", "not_home"].includes(value) ? "btn-outline-secondary" : "btn-outline-success";
      const [input, l] = radio(field, value, label, color);
      input.checked = value === "" && !resident.must_record;
      group.append(input, l);
    }
    if (resident.must_record) {
      group.dataset.mustRecord = fill(cfg.tMustRecord, { name: resident.name });
    }
    body.append(group);
    card.append(body);
    return card;
  }

  function drawForm(pack, kind, id) {
    const place = (kind === "household" ? pack.households : pack.shops).find((p) => p.id === id);
    if (!place) {
      document.getElementById("not-in-pack").hidden = false;
      return;
    }
    const form = document.getElementById("offline-visit-form");
    document.getElementById("offline-title").textContent = cfg.tVisit;
    document.getElementById("offline-target").textContent = kind === "household" ? `${place.address} · ${place.head}` : `${place.address} · ${place.name}`;
    const residents = place.residents || [];
    document.getElementById("offline-residents").replaceChildren(...residents.map((r) => drawResident(r, pack.conditions)));
    document.getElementById("offline-residents-set").hidden = residents.length === 0;
    document.getElementById("offline-follow-ups").replaceChildren(...place.follow_ups.flatMap((f) => {
      const input = document.createElement("input");
      Object.assign(input, { type: "checkbox", className: "btn-check", name: `close_follow_up_${f.id}`, id: `close-follow-up-${f.id}`, value: "on", autocomplete: "off" });
      const l = document.createElement("label");
      l.className = "btn btn-outline-success w-100 mb-2 toggle-row";
      l.htmlFor = input.id;
      l.textContent = `${f.what} · ${cfg.tDueOn} ${f.due_on}`;
      return [input, l];
    }));
    document.getElementById("offline-follow-ups-set").hidden = place.follow_ups.length === 0;
    form.querySelector(`input[name=purposes][value=${kind === "household" ? "routine" : "safety"}]`).checked = true;
    form.querySelector("#offline-visited-at").value = localInput(new Date());
    form.hidden = false;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      event.stopPropagation();
      saveOfflineForm(form, pack, kind, place);
    });
  }

  function formProblems(form, pack) {
    const problems = [];
    form.querySelectorAll("[data-must-record]").forEach((group) => {
      if (!group.querySelector("input:checked")) {
        problems.push(group.dataset.mustRecord);
      }
    });
    if (!form.querySelector("input[name=purposes]:checked")) {
      problems.push(cfg.tPurpose);
    }
    if (form.follow_up_what.value.trim() && !form.querySelector("input[name=follow_up_in_days]:checked")) {
      problems.push(cfg.tFollowUpDays);
    }
    const photos = [...form.photos.files];
    if (photos.length > pack.max_photos) {
      problems.push(fill(cfg.tTooManyPhotos, { n: pack.max_photos }));
    }
    photos.filter((photo) => photo.size > pack.photo_max_bytes).forEach((photo) => {
      problems.push(fill(cfg.tPhotoTooLarge, { name: photo.name, mb: Math.round(pack.photo_max_bytes / 1048576) }));
    });
    return problems;
  }

  async function saveOfflineForm(form, pack, kind, place) {
    const box = document.getElementById("offline-form-errors");
    const problems = formProblems(form, pack);
    box.replaceChildren(...problems.map((text) => Object.assign(document.createElement("div"), { textContent: text })));
    box.hidden = problems.length === 0;
    if (problems.length) {
      box.scrollIntoView({ block: "center" });
      return;
    }
    const visitedAt = new Date(form.visited_at.value || Date.now());
    const fields = [];
    for (const [name, value] of new FormData(form)) {
      if (name === "photos" || name === "visited_at" || name === "follow_up_in_days") {
        continue;
      }
      fields.push([name, value]);
    }
    const days = form.querySelector("input[name=follow_up_in_days]:checked");
    if (days && form.follow_up_what.value.trim()) {
      const due = new Date(visitedAt.getTime() + Number(days.value) * 86400000);
      fields.push(["follow_up_due_on", localInput(due).slice(0, 10)]);
    }
    await enqueue({
      client_id: crypto.randomUUID(),
      target: kind,
      target_id: place.id,
      label: kind === "household" ? `${place.address} · ${place.head}` : `${place.address} · ${place.name}`,
      visited_at: visitedAt.toISOString(),
      fields,
      photos: [...form.photos.files],
    });
    location.href = cfg.offline;
  }

  // The visit form of the site, loaded with signal, saved without: kept in the queue (with the
  // client id the form already carries) instead of the browser's "no internet" page.

  async function start(pack) {
    const status = document.getElementById("offline-status");
    const showStatus = () => { status.hidden = navigator.onLine; };
    showStatus();
    window.addEventListener("online", showStatus);
    window.addEventListener("offline", showStatus);
    const match = location.pathname.match(/^\/(households|shops)\/(\d+)\/visit\/$/);
    if (!pack) {
      document.getElementById("no-pack").hidden = false;
    } else if (match) {
      drawForm(pack, match[1] === "households" ? "household" : "shop", Number(match[2]));
    } else {
      drawPlaces(pack);
    }
    await drawQueue();
  }

  window.gridappOfflinePage = { start, drawQueue };
})();
