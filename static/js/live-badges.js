// Live counts in the header: a link rendered with data-live-badge="<WebSocket path>" follows the
// "badge" number of every message on that socket (home.extensions.Link.badge_live), so the count
// is what a reload would show. Without JavaScript, or while disconnected, the count is the page's.

const RETRY_MAX_MS = 30000;

function announce(text) {
  // A page with live announcements of its own (a thread, the notification centre) says more
  // than the header would: leave the announcing to it.
  if (document.querySelector("[data-live-announcer]")) return;
  const region = document.querySelector("[data-live-badge-announcer]");
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 50);
}

function show(link, count) {
  const badge = link.querySelector("[data-live-badge-count]");
  const number = link.querySelector("[data-live-badge-number]");
  if (!badge || !number) return;
  const previous = Number(number.textContent);
  number.textContent = String(count);
  badge.hidden = count < 1;
  const unit = link.dataset.liveBadgeUnit ? ` ${link.dataset.liveBadgeUnit}` : "";
  if (count > previous) announce(`${link.dataset.liveBadgeLabel}: ${count}${unit}`);
}

function follow(link) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  let delay = 1000;
  const open = () => {
    const socket = new WebSocket(`${scheme}//${window.location.host}${link.dataset.liveBadge}`);
    socket.addEventListener("open", () => {
      delay = 1000;
      link.dataset.liveBadgeConnected = "1";
    });
    socket.addEventListener("message", (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      if (event && Number.isInteger(event.badge) && event.badge >= 0) show(link, event.badge);
    });
    socket.addEventListener("close", (closed) => {
      delete link.dataset.liveBadgeConnected;
      // 4403: not allowed (signed out elsewhere); 4404: no such address. Retrying changes neither.
      if (closed.code === 4403 || closed.code === 4404) return;
      window.setTimeout(open, delay);
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    });
  };
  open();
}

document.querySelectorAll("[data-live-badge]").forEach(follow);
