// The installable app and visits without signal (issue 15). Runs on every page (base.html):
// - logged in: registers the service worker (/sw.js), keeps the worker's pack (visits/offline.py)
//   in IndexedDB, sends the queued visits in order (one tab at a time) and counts them in the navbar;
// - on the offline page, offline_page.js (loaded there only) draws the queue, the grid's places
//   and the visit form from the pack, through window.gridappOffline;
// - on the visit form with no signal: keeps the visit in the queue instead of losing it;
// - at log-out, when the account changes or the session's lifetime is over: forgets it all.
// Its sentences come translated in the data attributes of #offline-config (includes/offline.html).
(() => {
  const config = document.getElementById("offline-config");
  if (!config) {
    return;
  }
  const cfg = config.dataset;
  const user = cfg.user ? Number(cfg.user) : null;
  const DB = "gridapp-offline";
  const PACK_MAX_AGE_MS = 10 * 60 * 1000;
  const when = (value) => new Date(value).toLocaleString(document.documentElement.lang || undefined, { dateStyle: "short", timeStyle: "short" });
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, key) => values[key]);

  // --- IndexedDB: "meta" (the pack, under "pack") and "queue" (visits, by client id) -----------
  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const open = indexedDB.open(DB, 1);
        open.onupgradeneeded = () => {
          open.result.createObjectStore("meta");
          open.result.createObjectStore("queue", { keyPath: "client_id" });
        };
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
    }
    return dbPromise;
  }
  async function run(store, mode, action) {
    const database = await db();
    return new Promise((resolve, reject) => {
      const tx = database.transaction(store, mode);
      const request = action(tx.objectStore(store));
      tx.oncomplete = () => resolve(request && request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
  const getPack = () => run("meta", "readonly", (s) => s.get("pack"));
  const putPack = (pack) => run("meta", "readwrite", (s) => s.put(pack, "pack"));
  const allQueued = async () => ((await run("queue", "readonly", (s) => s.getAll())) || [])
    .sort((a, b) => a.seq - b.seq);
  const putQueued = (item) => run("queue", "readwrite", (s) => s.put(item));
  const dropQueued = (clientId) => run("queue", "readwrite", (s) => s.delete(clientId));

  // Everything kept for the user: the database, the caches, the service worker.
  async function forgetAll() {
    if (dbPromise) {
      (await dbPromise).close();
      dbPromise = null;
    }
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DB);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
    if (window.caches) {
      await Promise.all((await caches.keys()).map((name) => caches.delete(name)));
    }
    if (navigator.serviceWorker) {
      const registrations = await navigator.serviceWorker.getRegistrations();
      await Promise.all(registrations.map((registration) => registration.unregister()));
    }
  }

  // --- the pack ------------------------------------------------------------------------------
  async function checkPack() {
    const pack = await getPack();
    if (pack && (pack.user !== user || pack.expires * 1000 <= Date.now())) {
      await forgetAll(); // another account, or the session's lifetime is over
      return null;
    }
    return pack;
  }
  async function refreshPack(pack) {
    if (!cfg.worker || !navigator.onLine || (pack && Date.now() - pack.fetched < PACK_MAX_AGE_MS)) {
      return pack;
    }
    try {
      const response = await fetch(cfg.pack, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok || !(response.headers.get("Content-Type") || "").includes("json")) {
        return pack;
      }
      const fresh = await response.json();
      if (fresh.user !== user) {
        return pack;
      }
      fresh.fetched = Date.now();
      await putPack(fresh);
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage("refresh-shell");
      }
      return fresh;
    } catch {
      return pack;
    }
  }

  // --- the queue -----------------------------------------------------------------------------
  const waiting = (item) => item.status !== "sent";
  async function showCount() {
    const link = document.getElementById("offline-queue");
    if (!link) {
      return;
    }
    const count = (await allQueued()).filter(waiting).length;
    document.getElementById("offline-queue-count").textContent = count;
    link.hidden = count === 0;
  }
  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  async function sendOne(item) {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken());
    body.append("client_id", item.client_id);
    body.append("target", item.target);
    body.append("target_id", item.target_id);
    body.append("visited_at", item.visited_at);
    item.fields.forEach(([name, value]) => body.append(name, value));
    item.photos.forEach((photo) => body.append("photos", photo, photo.name || "photo.jpg"));
    if (item.send_anyway) {
      body.append("send_anyway", "1");
    }
    let response;
    try {
      response = await fetch(cfg.submit, { method: "POST", body, credentials: "same-origin", redirect: "manual" });
    } catch {
      return "offline";
    }
    let answer;
    try {
      answer = await response.json();
    } catch {
      answer = { status: "error", message: `HTTP ${response.status}` };
    }
    if (answer.status === "saved") {
      Object.assign(item, { status: "sent", url: answer.url, message: "", fields: [], photos: [], sent_at: Date.now() });
    } else {
      Object.assign(item, {
        status: answer.status, message: answer.message, todo: answer.todo || "", errors: answer.errors || [],
        can_send_anyway: Boolean(answer.can_send_anyway), send_anyway: false,
      });
    }
    await putQueued(item);
    // A stale page or an ended session stops the queue: the next items would fail the same way.
    return ["csrf", "login", "error"].includes(answer.status) ? "stop" : "next";
  }
  async function sendQueue() {
    if (!user || !navigator.onLine) {
      return;
    }
    const send = async () => {
      for (const item of await allQueued()) {
        // A stale page, an ended session or a server error was no answer about the visit
        // itself: tried again on the next page; a conflict waits for the worker's choice.
        if (item.user !== user || !["waiting", "csrf", "login", "error"].includes(item.status)) {
          continue;
        }
        if ((await sendOne(item)) !== "next") {
          break;
        }
        await page.drawQueue();
      }
    };
    // Two tabs must not send the same queue at once (the server is safe anyway: client ids).
    if (navigator.locks) {
      await navigator.locks.request("gridapp-offline-queue", { ifAvailable: true }, (lock) => (lock ? send() : null));
    } else {
      await send();
    }
    await page.drawQueue();
    await showCount();
  }
  async function enqueue(item) {
    await putQueued({ ...item, user, seq: Date.now(), status: "waiting" });
    await showCount();
  }

  function keepOnlineFormOffline() {
    const form = document.querySelector("form.visit-form[method=post]");
    const match = location.pathname.match(/^\/(households|shops)\/(\d+)\/visit\/$/);
    if (!form || !match || !form.client_id) {
      return;
    }
    // On the document, after visits.js: a form it stopped (a resident not recorded) is not kept.
    document.addEventListener("submit", async (event) => {
      if (event.target !== form || navigator.onLine || event.defaultPrevented) {
        return;
      }
      event.preventDefault();
      const photos = [...(form.photos ? form.photos.files : [])];
      const pack = (await getPack()) || { max_photos: 3, photo_max_bytes: 5 * 1048576 };
      const tooLarge = photos.filter((photo) => photo.size > pack.photo_max_bytes);
      if (tooLarge.length || photos.length > pack.max_photos) {
        window.alert(tooLarge.length
          ? fill(cfg.tPhotoTooLarge, { name: tooLarge[0].name, mb: Math.round(pack.photo_max_bytes / 1048576) })
          : fill(cfg.tTooManyPhotos, { n: pack.max_photos }));
        form.querySelectorAll("button[data-sent]").forEach((b) => { b.disabled = false; });
        return;
      }
      const fields = [...new FormData(form)].filter(([name]) => !["csrfmiddlewaretoken", "client_id", "visited_at", "photos"].includes(name));
      await enqueue({
        client_id: form.client_id.value,
        target: match[1] === "households" ? "household" : "shop",
        target_id: Number(match[2]),
        label: document.querySelector(".visit-page p.fw-semibold")?.textContent.trim() || cfg.tVisit,
        visited_at: new Date(form.visited_at.value || Date.now()).toISOString(),
        fields,
        photos,
      });
      location.href = cfg.offline;
    });
  }

  // The offline page's drawing (offline_page.js) when it is loaded; nothing to draw elsewhere.
  let page = { drawQueue: async () => {} };
  window.gridappOffline = { cfg, user, fill, when, getPack, allQueued, putQueued, dropQueued, enqueue, sendQueue, showCount };

  // --- log-out and the install offer --------------------------------------------------------
  function guardLogout() {
    document.querySelectorAll(`form[action="${cfg.logout}"]`).forEach((form) => {
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const unsent = user ? (await allQueued()).filter((item) => item.user === user && waiting(item)).length : 0;
        if (unsent && !window.confirm(fill(cfg.tLogoutUnsent, { n: unsent }))) {
          form.querySelectorAll("button").forEach((b) => { b.disabled = false; });
          return;
        }
        await forgetAll();
        form.submit();
      });
    });
  }

  function offerInstall() {
    const box = document.getElementById("install-app");
    const KEY = "gridapp-install-dismissed";
    let prompt = null;
    window.addEventListener("beforeinstallprompt", (event) => {
      event.preventDefault();
      if (localStorage.getItem(KEY)) {
        return; // asked once: never again on this phone
      }
      prompt = event;
      box.hidden = false;
    });
    const done = () => { localStorage.setItem(KEY, "1"); box.hidden = true; };
    document.getElementById("install-yes").addEventListener("click", async () => {
      done();
      if (prompt) {
        prompt.prompt();
        await prompt.userChoice;
      }
    });
    document.getElementById("install-no").addEventListener("click", done);
    window.addEventListener("appinstalled", done);
  }

  async function start() {
    guardLogout();
    if (!user) {
      return; // nothing is opened or kept for someone not logged in
    }
    offerInstall();
    keepOnlineFormOffline();
    let pack = await checkPack();
    if (navigator.serviceWorker) {
      navigator.serviceWorker.register(cfg.sw, { scope: "/" }).catch(() => {});
    }
    for (const item of await allQueued()) {
      if (item.user !== user) {
        await dropQueued(item.client_id); // another account's: never sent as this one
      } else if (item.status === "sent" && Date.now() - item.sent_at > 86400000) {
        await dropQueued(item.client_id);
      }
    }
    pack = await refreshPack(pack);
    if (window.gridappOfflinePage) {
      page = window.gridappOfflinePage;
      await page.start(pack);
    }
    await showCount();
    window.addEventListener("online", sendQueue);
    await sendQueue();
    document.documentElement.dataset.offlineReady = "1"; // for the browser tests
  }

  start();
})();
