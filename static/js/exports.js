// Exports and the typhoon roster (templates/exports/): a print button, and download forms
// whose button comes back after the file arrives (gridapp.js disables a submitted button,
// but a download leaves the page where it is).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
document.querySelectorAll("form[data-download]").forEach((form) => {
  form.addEventListener("submit", () => {
    const button = form.querySelector("button[type=submit]");
    if (button) {
      setTimeout(() => { button.disabled = false; }, 3000);
    }
  });
});
// The export form: show only the fields that apply to what is exported (all of them
// without JavaScript; the server ignores those that do not apply).
const FIELDS_FOR = {
  register: ["full_phones", "register-search"],
  visits: ["start", "end"],
  cases: ["start", "end", "state", "category", "overdue", "full_phones"],
};
const OPTIONAL = ["start", "end", "state", "category", "overdue", "full_phones", "register-search"];
function showFieldsFor(what) {
  const shown = FIELDS_FOR[what] || OPTIONAL;
  OPTIONAL.forEach((name) => {
    const wrapper = document.getElementById(`div_id_${name}`);
    if (wrapper) {
      // A field the server refused stays in view, whatever is chosen.
      wrapper.hidden = !shown.includes(name) && !wrapper.querySelector(".is-invalid");
    }
  });
}
const whatInputs = document.querySelectorAll("input[name=what]");
if (whatInputs.length) {
  whatInputs.forEach((input) => input.addEventListener("change", () => showFieldsFor(input.value)));
  const checked = document.querySelector("input[name=what]:checked");
  showFieldsFor(checked ? checked.value : "");
}
