{% autoescape off %}// gridapp's service worker (gridapp/ops/pwa.py serves it at /sw.js). It keeps the app shell and
// the static files, and nothing else: the pages a logged-in user sees are never cached (they are
// personal data, see NoStoreMiddleware); the worker's offline pack lives in IndexedDB, written by
// static/js/offline.js. Without signal, any page that cannot be fetched is the offline page,
// which draws the visit form from the pack.
const VERSION = {{ version }};
const SHELL = {{ shell }};
const OFFLINE_URL = {{ offline_url }};
const STATIC_PREFIX = {{ static_prefix }};
const CACHE = `gridapp-shell-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { credentials: "same-origin", cache: "reload" }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    // Online: the page itself, never stored. Offline: the offline page, which reads the address.
    event.respondWith(
      fetch(request).catch(() => caches.open(CACHE).then((cache) => cache.match(OFFLINE_URL))
        .then((page) => page || Response.error()))
    );
    return;
  }
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(
      caches.open(CACHE).then((cache) => cache.match(request, { ignoreSearch: true })
        .then((hit) => hit || fetch(request)))
    );
  }
});

self.addEventListener("message", (event) => {
  // offline.js, online with a fresh pack: keep a fresh offline page too (its CSRF token and the
  // user's name), so a queue sent from it later is not refused as out of date.
  if (event.data === "refresh-shell") {
    event.waitUntil(caches.open(CACHE).then((cache) => cache.add(new Request(OFFLINE_URL, { credentials: "same-origin", cache: "reload" }))));
  }
});
{% endautoescape %}
