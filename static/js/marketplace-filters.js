// The marketplace listing's filters on a phone: folded behind a "Show filters" button, so the
// results come first (the GOV.UK filter pattern). The button is made here, so without
// JavaScript there is no dead control and the filters are simply shown; from tablet width up
// the stylesheet hides the button and always shows the filters beside the results.
for (const panel of document.querySelectorAll("[data-marketplace-filters]")) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "govuk-button govuk-button--secondary marketplace-filters__toggle";
  button.setAttribute("aria-controls", panel.id);

  const show = (expanded) => {
    button.setAttribute("aria-expanded", String(expanded));
    button.textContent = expanded ? "Hide filters" : "Show filters";
    panel.classList.toggle("marketplace-filters--collapsed", !expanded);
  };
  button.addEventListener("click", () => show(button.getAttribute("aria-expanded") !== "true"));
  // A mistyped filter is reported inside the panel, and the error summary links into it.
  show(panel.querySelector(".govuk-form-group--error") !== null);
  panel.before(button);
}
