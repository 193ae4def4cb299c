// Live updates for community pages, threads and the notification centre.
// Progressive enhancement: every page works without this file. Replies are fetched as the
// server renders them for this viewer; everything else is inserted as text.

const RETRY_MAX_MS = 10000;

function socketUrl(path, after) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const query = after !== undefined ? `?after=${encodeURIComponent(after)}` : "";
  return `${scheme}//${window.location.host}${path}${query}`;
}

function announce(root, text) {
  const region = root.querySelector("[data-live-announcer]");
  if (!region) return;
  region.textContent = "";
  // A fresh text node after a tick makes screen readers announce repeated messages.
  window.setTimeout(() => { region.textContent = text; }, 50);
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// A reply as the thread page shows it to this viewer, rendered by the server with the page's
// own template (communities/includes/reply.html): a live reply is the same HTML as a reloaded
// one, with this viewer's controls and the names their profile settings allow.
async function fetchReply(root, replyId) {
  const response = await fetch(`${root.dataset.replyUrl}${replyId}/`, { credentials: "same-origin" });
  if (!response.ok) return null;
  const holder = document.createElement("template");
  holder.innerHTML = (await response.text()).trim();
  return holder.content.firstElementChild;
}

function countReplies(root, change) {
  const heading = root.querySelector("[data-reply-total]");
  if (!heading) return;
  const total = Number(heading.dataset.replyTotal) + change;
  heading.dataset.replyTotal = String(total);
  heading.textContent = `${total} repl${total === 1 ? "y" : "ies"}`;
}

function threadRow(payload) {
  const row = element("tr", "govuk-table__row");
  row.id = `thread-${payload.thread_id}`;
  const cell = element("td", "govuk-table__cell");
  const link = element("a", "govuk-link", payload.title);
  link.href = payload.url;
  cell.append(link, element("br"), element("span", "govuk-body-s", `Started by ${payload.author}, ${payload.created}`));
  const count = element("td", "govuk-table__cell govuk-table__cell--numeric", String(payload.reply_count));
  count.dataset.replyCount = "";
  row.append(cell, count);
  return row;
}

function handleCommunityEvent(root, event) {
  const threadId = root.dataset.threadId ? Number(root.dataset.threadId) : null;
  const payload = event.payload || {};
  if (event.type === "presence.changed") {
    const box = root.querySelector("[data-presence]");
    if (box) {
      box.hidden = payload.count < 1;
      box.querySelector("[data-presence-count]").textContent = payload.count;
      box.querySelector("[data-presence-label]").textContent = payload.count === 1 ? "person" : "people";
    }
    return;
  }
  if (threadId !== null) {
    if (payload.thread_id !== threadId) return;
    const list = root.querySelector("[data-reply-list]");
    if (event.type === "discussion.reply_created") {
      if (document.getElementById(`reply-${payload.reply_id}`)) return;
      countReplies(root, 1);
      if (!list || !root.dataset.onLastPage) return;
      fetchReply(root, payload.reply_id).then((item) => {
        if (!item || document.getElementById(item.id)) return;
        list.querySelector("[data-empty]")?.remove();
        list.append(item);
        announce(root, `New reply from ${payload.author}`);
      });
    } else if (event.type === "discussion.reply_updated") {
      const item = document.getElementById(`reply-${payload.reply_id}`);
      if (item) {
        fetchReply(root, payload.reply_id).then((fresh) => {
          if (fresh) item.replaceWith(fresh);
          announce(root, payload.visible ? `A reply was edited by ${payload.author}` : payload.placeholder);
        });
      }
    }
    return;
  }
  const table = root.querySelector("[data-thread-list]");
  if (!table) return;
  if (event.type === "discussion.thread_created" && payload.visible) {
    table.querySelector("[data-empty]")?.remove();
    table.prepend(threadRow(payload));
    announce(root, `New discussion: ${payload.title}`);
  } else if (event.type === "discussion.reply_created") {
    const count = document.querySelector(`#thread-${payload.thread_id} [data-reply-count]`);
    if (count) count.textContent = String(Number(count.textContent) + 1);
  } else if (event.type === "discussion.thread_updated" && !payload.visible) {
    document.getElementById(`thread-${payload.thread_id}`)?.remove();
  }
}

function connect(root, onEvent, { resume }) {
  let lastId = resume ? Number(root.dataset.lastEventId || 0) : undefined;
  let delay = 500;
  const open = () => {
    const socket = new WebSocket(socketUrl(root.dataset.wsPath, lastId));
    socket.addEventListener("open", () => {
      delay = 500;
      root.dataset.liveConnected = "1";
    });
    socket.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
      if (event.type === "catch_up.expired") {
        // What was missed is older than the server keeps: the page itself is the catch-up.
        window.location.reload();
        return;
      }
      if (resume && typeof event.id === "number") {
        if (event.id <= lastId) return;
        lastId = event.id;
        root.dataset.lastEventId = String(lastId);
      }
      onEvent(root, event);
    });
    socket.addEventListener("close", (closed) => {
      delete root.dataset.liveConnected;
      // 4403: no longer allowed; 4404: no such address. Retrying would not change either.
      if (closed.code === 4403 || closed.code === 4404) return;
      window.setTimeout(open, delay);
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    });
  };
  open();
}

function handleNotification(root, event) {
  if (event.type !== "notification.created") return;
  const list = root.querySelector("[data-notification-list]");
  list.querySelector("[data-empty]")?.remove();
  const item = element("li", "kh-notification");
  const link = element("a", "govuk-link", event.payload.text);
  link.href = event.payload.url;
  item.append(element("strong", "govuk-tag govuk-tag--blue", "New"), " ", link);
  list.prepend(item);
  const unread = root.querySelector("[data-unread-count]");
  if (unread) unread.textContent = String(Number(unread.textContent) + 1);
  announce(root, `New notification: ${event.payload.text}`);
}

document.querySelectorAll("[data-community-live]").forEach((root) => connect(root, handleCommunityEvent, { resume: true }));
document.querySelectorAll("[data-notifications-live]").forEach((root) => connect(root, handleNotification, { resume: false }));
