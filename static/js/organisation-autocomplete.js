// Turns every organisation select (marked data-organisation-autocomplete) into GOV.UK's
// accessible autocomplete. Progressive enhancement: without JavaScript, or if the library did
// not load, the select itself still works; the select stays in the form and is what is posted.
(function () {
  "use strict";
  var library = window.accessibleAutocomplete;
  if (!library || !library.enhanceSelectElement) {
    return;
  }

  function optionNamed(select, text) {
    var wanted = text.trim().toLowerCase();
    return Array.prototype.find.call(select.options, function (option) {
      return option.value && option.textContent.trim().toLowerCase() === wanted;
    });
  }

  document.querySelectorAll("select[data-organisation-autocomplete]").forEach(function (select) {
    var inputId = select.id;
    var describedBy = select.getAttribute("aria-describedby");
    library.enhanceSelectElement({
      selectElement: select,
      defaultValue: "",
      minLength: 2,
      // The type-ahead hint is an unlabelled second input (axe's "label" rule fails it), and
      // choosing from the list is what the GOV.UK pattern asks of people anyway.
      autoselect: false,
      showNoOptionsFound: true,
      tNoResults: function () {
        return "No organisation matches: leave it blank if yours is not listed";
      },
    });
    var input = document.getElementById(inputId);
    if (!input) {
      return;
    }
    if (describedBy) {
      // Keep the field's hint and error read out, as the select had them.
      var own = input.getAttribute("aria-describedby");
      input.setAttribute("aria-describedby", own ? describedBy + " " + own : describedBy);
    }
    if (select.classList.contains("govuk-select--error")) {
      input.classList.add("autocomplete__input--error");
    }
    // The library only ever selects an option; clearing the text, or typing a name without
    // choosing it, must post what the text says, not the organisation chosen before.
    if (select.form) {
      select.form.addEventListener("submit", function () {
        var match = optionNamed(select, input.value);
        select.value = match ? match.value : "";
      });
    }
  });
})();
