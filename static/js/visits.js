// The visit form (templates/visits/visit_form.html). The server checks everything again; these
// only spare a round trip on a slow connection.
(() => {
  const form = document.querySelector("form.visit-form");
  if (!form) {
    return;
  }
  // A resident with check-ins must be recorded (visits/forms.py says why): ask before sending,
  // next to her name, instead of saving a visit that leaves her due without a word.
  form.addEventListener("submit", (event) => {
    const unrecorded = [...form.querySelectorAll("[data-must-record]")].filter(
      (group) => !group.querySelector("input:checked")
    );
    unrecorded.forEach((group) => {
      const ask = group.parentElement.querySelector(".ask");
      ask.textContent = group.dataset.ask;
      ask.hidden = false;
      group.closest(".card").classList.add("border-danger");
    });
    if (unrecorded.length) {
      event.preventDefault();
      event.stopPropagation(); // gridapp.js would disable the save button
      unrecorded[0].closest(".card").scrollIntoView({ behavior: "smooth", block: "center" });
      unrecorded[0].querySelector("input").focus({ preventScroll: true });
    }
  });
  form.addEventListener("change", (event) => {
    const input = event.target;
    const group = input.closest("[data-must-record]");
    if (group) {
      group.parentElement.querySelector(".ask").hidden = true;
      group.closest(".card").classList.remove("border-danger");
    }
    // Picking a campaign ticks its purpose: a visit for a campaign counts by its purpose.
    if (input.name === "campaign" && input.dataset.purpose) {
      const purpose = form.querySelector(`input[name=purposes][value="${input.dataset.purpose}"]`);
      if (purpose) {
        purpose.checked = true;
      }
    }
  });
})();
