// The register's search (templates/includes/search_box.html): htmx fetches the results as the
// user types; this closes the navbar's list when the user taps elsewhere or presses Escape.
// The pickers of the case intake (templates/includes/picker.html): a choice becomes a chip that
// holds the record's id in a hidden input, and a chip's × removes it. Without this file the
// pickers' search boxes and the chips' × stay hidden, and the chips the page came with are sent.
(() => {
  const closeDropdowns = (keep) => {
    document.querySelectorAll("[data-dropdown]").forEach((list) => {
      if (!keep || !list.parentElement.contains(keep)) {
        list.replaceChildren();
      }
    });
  };
  document.addEventListener("pointerdown", (event) => closeDropdowns(event.target));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      closeDropdowns(null);
    }
    // Enter in a picker's box picks its first choice (the box belongs to no form: nothing is sent).
    const picker = event.target.closest("[data-picker]");
    if (event.key === "Enter" && picker && event.target.type === "search") {
      event.preventDefault();
      picker.querySelector("[data-search-results] [data-pick-id]")?.click();
    }
  });

  const showAll = (root) => {
    root.querySelectorAll("[data-js-only]").forEach((element) => {
      element.hidden = false;
    });
  };

  const addChip = (picker, id, label) => {
    const chips = picker.querySelector("[data-chips]");
    const taken = [...chips.querySelectorAll("input")].some((input) => input.value === id);
    if (!taken) {
      if (!picker.hasAttribute("data-multiple")) {
        chips.replaceChildren();
      }
      const chip = picker.querySelector("template").content.firstElementChild.cloneNode(true);
      chip.querySelector("input").value = id;
      chip.querySelector("[data-chip-label]").textContent = label;
      const remove = chip.querySelector("[data-chip-remove]");
      remove.setAttribute("aria-label", `${remove.getAttribute("aria-label")} ${label}`);
      showAll(chip);
      chips.append(chip);
    }
    const box = picker.querySelector("input[type=search]");
    box.value = "";
    picker.querySelector("[data-search-results]").replaceChildren();
    if (picker.hasAttribute("data-multiple")) {
      box.focus(); // the next household, shop …
    }
  };

  document.addEventListener("click", (event) => {
    const choice = event.target.closest("[data-pick-id]");
    const picker = event.target.closest("[data-picker]");
    if (choice && picker) {
      event.preventDefault();
      addChip(picker, choice.dataset.pickId, choice.dataset.pickLabel);
      return;
    }
    const remove = event.target.closest("[data-chip-remove]");
    if (remove && picker) {
      event.preventDefault();
      remove.closest("[data-chip]").remove();
      picker.querySelector("input[type=search]").focus();
    }
  });

  showAll(document);
})();
