// The web chat page. Every text is written with textContent: nothing from the user or the bot is
// ever parsed as HTML. The anonymous id lives in localStorage; no login, no history kept on the device.
(() => {
  "use strict";

  const ID_KEY = "labourbot.webchat.id";
  const SIZE_KEY = "labourbot.webchat.large";
  const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
  const API = new URL("chat/api/messages", document.baseURI).toString();
  const PENDING = new URL("chat/api/pending", document.baseURI).toString();
  const POLL_MS = 5000;

  const log = document.getElementById("log");
  const chips = document.getElementById("chips");
  const form = document.getElementById("composer");
  const input = document.getElementById("input");
  // The page's own texts; each reply brings them in the conversation's language (channels/labels.py).
  let labels = {
    legal_basis: "法源依據",
    show_article_of: "看法條原文：{citation}",
    retry: "再試一次",
    web_typing: "小幫手正在查詢",
    web_offline: "抱歉，連線失敗，訊息沒有送出。請檢查網路後再試一次；急需協助請撥 1955。",
    web_placeholder: "請輸入您的問題",
    web_send: "送出",
    web_restart_confirm: "要清除這台裝置上的對話，重新開始嗎？",
  };

  function useLanguage(data) {
    if (!data || !data.labels || typeof data.labels !== "object") return;
    for (const key of Object.keys(labels)) {
      if (typeof data.labels[key] === "string") labels[key] = data.labels[key];
    }
    if (typeof data.language === "string" && /^[a-z]{2}$/.test(data.language)) {
      document.documentElement.lang = data.language === "zh" ? "zh-Hant-TW" : data.language;
    }
    input.placeholder = labels.web_placeholder;
    document.getElementById("send").textContent = labels.web_send;
  }

  function store(action) {
    try { return action(window.localStorage); } catch (err) { return null; }  // private mode, blocked storage
  }

  function newId() {
    const random = window.crypto && crypto.randomUUID
      ? crypto.randomUUID()
      : Array.from({ length: 4 }, () => Math.random().toString(36).slice(2, 10)).join("");
    return "w-" + random.replace(/[^A-Za-z0-9-]/g, "");
  }

  function anonymousId() {
    let id = store((s) => s.getItem(ID_KEY));
    if (!id || !ID_PATTERN.test(id)) {
      id = newId();
      store((s) => s.setItem(ID_KEY, id));
    }
    return id;
  }

  let userId = anonymousId();
  let queue = Promise.resolve();
  // Staff replies: the id of the last one shown (the poll's cursor) and the ids already on the page.
  let cursor = null;
  let shown = new Set();

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function addUser(text) {
    log.appendChild(el("div", "msg user", text));
    scrollDown();
  }

  function addTyping() {
    const node = el("div", "msg bot typing", labels.web_typing);
    log.appendChild(node);
    scrollDown();
    return node;
  }

  function articlePayload(citation, buttons) {
    const quoted = JSON.stringify(citation);  // "勞動基準法第2條" must not match 第24條
    const match = buttons.find((b) => b.payload.startsWith("/show_article") && b.payload.includes(quoted));
    return match ? match.payload : "/show_article" + JSON.stringify({ citation: citation });
  }

  function renderCard(message) {
    const card = el("article", "msg bot card");
    if (message.title) card.appendChild(el("h2", "card-title", message.title));
    card.appendChild(el("div", "card-body", message.text));
    if (message.citations && message.citations.length) {
      const box = el("section", "citations");
      box.appendChild(el("h3", null, labels.legal_basis));
      for (const citation of message.citations) {
        const button = el("button", "citation", "📖 " + citation);
        button.type = "button";
        button.addEventListener("click", () => ask(articlePayload(citation, message.buttons), labels.show_article_of.replace("{citation}", citation)));
        box.appendChild(button);
      }
      card.appendChild(box);
    }
    return card;
  }

  function renderMessage(message) {
    if (message.kind === "kb_answer") return renderCard(message);
    const kind = message.kind === "notice" || message.kind === "welcome" ? "msg notice" : "msg bot";
    return el("div", kind, message.text);
  }

  function showChips(buttons) {
    chips.replaceChildren();
    const seen = new Set();
    for (const button of buttons) {
      if (!button.payload || seen.has(button.payload)) continue;
      seen.add(button.payload);
      const chip = el("button", "chip", button.title || button.payload);
      chip.type = "button";
      chip.addEventListener("click", () => ask(button.payload, button.title || button.payload));
      chips.appendChild(chip);
    }
  }

  function renderReply(data) {
    useLanguage(data);
    const buttons = [];
    let first = null;
    for (const message of data.messages || []) {
      if (message.text || message.kind === "kb_answer") {
        const node = log.appendChild(renderMessage(message));
        first = first || node;
      }
      for (const button of message.buttons || []) buttons.push(button);
    }
    showChips(buttons);
    // Show the start of the answer: a long answer is read from its top, not its end.
    if (first && log.scrollHeight - first.offsetTop > log.clientHeight) {
      log.scrollTop = first.offsetTop - log.offsetTop - 8;
    } else {
      scrollDown();
    }
  }

  function addError(text) {
    log.appendChild(el("div", "msg bot error", labels.web_offline));
    showChips([{ title: labels.retry, payload: text }]);
    scrollDown();
  }

  async function exchange(text) {
    const typing = addTyping();
    try {
      const response = await fetch(API, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Chat-Id": userId },
        body: JSON.stringify({ text: text }),
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const data = await response.json();
      typing.remove();
      renderReply(data);
    } catch (err) {
      typing.remove();
      addError(text);
    }
  }

  // Messages go out one after another, in the order the user sent them.
  function ask(text, shown) {
    if (shown) addUser(shown);
    chips.replaceChildren();
    queue = queue.then(() => exchange(text));
    return queue;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    input.style.height = "";
    ask(text, text);
    input.focus();
  });

  input.addEventListener("keydown", (event) => {
    // Enter sends; Shift+Enter is a new line; never while an input method is composing (注音, 倉頡).
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  input.addEventListener("input", () => {
    input.style.height = "";
    input.style.height = Math.min(input.scrollHeight, 160) + "px";
  });

  const root = document.documentElement;
  if (store((s) => s.getItem(SIZE_KEY)) === "1") root.classList.add("large");
  document.getElementById("font-size").addEventListener("click", () => {
    const large = root.classList.toggle("large");
    store((s) => s.setItem(SIZE_KEY, large ? "1" : "0"));
  });

  document.getElementById("restart").addEventListener("click", () => {
    if (!window.confirm(labels.web_restart_confirm)) return;
    store((s) => s.removeItem(ID_KEY));
    userId = anonymousId();
    cursor = null;
    shown = new Set();
    log.replaceChildren();
    chips.replaceChildren();
    ask("/greet", null);
  });

  // Replies from bureau staff (a handed-off case) arrive by polling with a cursor, the id of the last
  // one shown: the server acknowledges up to it and keeps later ones until a poll acknowledges them,
  // so a response lost on the way (a phone's network) is fetched again. An id already shown is skipped,
  // so a message is never shown twice. The anonymous id goes in the X-Chat-Id header, never in the URL.
  function pendingUrl() {
    const params = new URLSearchParams();
    if (cursor !== null) params.set("after", String(cursor));
    return PENDING + "?" + params.toString();
  }

  function showPending(messages) {
    const fresh = [];
    for (const message of messages) {
      if (!Number.isInteger(message.id) || shown.has(message.id)) continue;
      shown.add(message.id);
      cursor = cursor === null ? message.id : Math.max(cursor, message.id);
      fresh.push(message);
    }
    if (fresh.length) renderReply({ messages: fresh });
  }

  async function pollPending() {
    const asked = userId;
    try {
      const response = await fetch(pendingUrl(), { cache: "no-store", headers: { "X-Chat-Id": asked } });
      if (response.ok) {
        const data = await response.json();
        if (asked === userId) showPending(data.messages || []);  // not for a conversation just cleared
      }
    } catch (err) {
      // offline for a moment: the next poll, with the same cursor, fetches the same messages again
    }
    window.setTimeout(pollPending, POLL_MS);
  }

  ask("/greet", null);
  window.setTimeout(pollPending, POLL_MS);
})();
