// Search-as-you-type for search boxes marked data-module="kh-search-suggest".
// Progressive enhancement: without JavaScript the box is an ordinary GET form. With it, the
// input becomes an ARIA 1.2 combobox: arrow keys move through the suggestions, Enter opens
// one, Escape closes the list, and a live region announces how many suggestions there are.

const DELAY_MS = 150;

function enhance(container) {
  const input = container.querySelector("input[type=search]");
  const url = container.dataset.suggestUrl;
  if (!input || !url) return;
  const listId = `${input.id}-suggestions`;
  const list = document.createElement("ul");
  list.id = listId;
  list.className = "kh-suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Suggestions");
  list.hidden = true;
  const status = document.createElement("div");
  status.className = "govuk-visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  container.style.position = "relative";
  container.append(list, status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listId);

  let active = -1;
  let timer = null;
  let controller = null;

  function options() {
    return Array.from(list.querySelectorAll("[role=option]"));
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    const items = options();
    items.forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0 && items[index]) {
      input.setAttribute("aria-activedescendant", items[index].id);
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(results) {
    list.replaceChildren();
    results.forEach((result, index) => {
      const item = document.createElement("li");
      item.id = `${listId}-${index}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.dataset.url = result.url;
      const title = document.createElement("span");
      title.textContent = result.title; // textContent: never HTML from the server
      const kind = document.createElement("span");
      kind.className = "kh-suggestions__kind";
      kind.textContent = ` ${result.kind}`;
      item.append(title, kind);
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        window.location.assign(result.url);
      });
      list.append(item);
    });
    const count = results.length;
    status.textContent = count ? `${count} suggestion${count === 1 ? "" : "s"} available` : "";
    if (count) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    } else {
      close();
    }
  }

  async function fetchSuggestions() {
    const query = input.value.trim();
    if (query.length < 2) {
      render([]);
      return;
    }
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch(`${url}?q=${encodeURIComponent(query)}`, {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      });
      if (!response.ok) return;
      const data = await response.json();
      if (data.query === input.value.trim().slice(0, 100)) render(data.results);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    const items = options();
    if (event.key === "ArrowDown" && items.length) {
      event.preventDefault();
      if (list.hidden) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
      highlight((active + 1) % items.length);
    } else if (event.key === "ArrowUp" && items.length) {
      event.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0 && items[active] && !list.hidden) {
      event.preventDefault();
      window.location.assign(items[active].dataset.url);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}

document.querySelectorAll('[data-module="kh-search-suggest"]').forEach(enhance);
