// Small progressive enhancements; every page works without them.
document.addEventListener("submit", (event) => {
  // A second tap on a slow connection must not send the form twice (the server also
  // recognises a repeated submission, see visits.services.log_visit).
  const button = event.target.querySelector("button[type=submit]");
  if (button) {
    setTimeout(() => { button.disabled = true; button.dataset.sent = ""; }, 0);
  }
});
// Back on a page the browser kept (the back button after printing a case sheet): the buttons
// disabled above work again.
window.addEventListener("pageshow", (event) => {
  if (event.persisted) {
    document.querySelectorAll("button[data-sent]").forEach((button) => {
      button.disabled = false;
      delete button.dataset.sent;
    });
  }
});
