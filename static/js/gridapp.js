// Small progressive enhancements; every page works without them.
document.addEventListener("submit", (event) => {
  // A second tap on a slow connection must not send the form twice (the server also
  // recognises a repeated submission, see visits.services.log_visit).
  const button = event.target.querySelector("button[type=submit]");
  if (button) {
    setTimeout(() => { button.disabled = true; }, 0);
  }
});
