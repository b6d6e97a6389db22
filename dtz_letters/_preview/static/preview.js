// The preview page: follows the server's event stream and shows every copy of the letter.
//
// Each copy is an iframe with the HTML the PDF is made from. A new render is loaded into a
// hidden frame and swapped in when it has loaded, so the old one stays visible meanwhile and
// the page keeps its scroll position. Problems keep the last good copies on screen.
"use strict";

const SHEET_WIDTH = 794; // 210 mm in CSS pixels
const GAP = 16;
const copies = new Map(); // slug -> {box, frame, head, version}
let tab = ""; // "" shows all copies side by side; a slug shows that one

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function showMessages(listId, panelId, items) {
  const list = document.getElementById(listId);
  list.replaceChildren();
  for (const item of items) {
    const li = el("li", {}, el("div", { class: "message", text: item.text }));
    if (item.source !== null) {
      const pre = el("pre", { class: "source" });
      pre.append(item.source);
      if (item.column !== null) {
        pre.append("\n" + " ".repeat(Math.max(item.column - 1, 0)));
        pre.append(el("span", { class: "caret", text: "^" }));
      }
      li.append(pre);
    }
    list.append(li);
  }
  document.getElementById(panelId).hidden = items.length === 0;
}

function scale() {
  const main = document.getElementById("copies");
  const width = main.clientWidth - 32;
  const shown = tab ? 1 : Math.max(copies.size, 1);
  const fit = (width - GAP * (shown - 1)) / shown / SHEET_WIDTH;
  return Math.max(Math.min(fit, 1), tab ? 0.3 : 0.42);
}

function layout() {
  const s = scale();
  for (const [slug, copy] of copies) {
    copy.root.hidden = tab !== "" && tab !== slug;
    for (const frame of copy.box.querySelectorAll("iframe")) {
      frame.style.transform = `scale(${s})`;
    }
    const height = copy.height || 1123;
    copy.root.style.width = `${SHEET_WIDTH * s}px`;
    copy.box.style.width = `${SHEET_WIDTH * s}px`;
    copy.box.style.height = `${height * s}px`;
  }
}

function loadFrame(slug, copy, version, naam) {
  const frame = el("iframe", {
    class: "loading",
    title: `De brief voor ${naam}`,
    src: `/copy/${encodeURIComponent(slug)}.html?v=${version}`,
  });
  frame.style.width = `${SHEET_WIDTH}px`;
  frame.style.transform = `scale(${scale()})`;
  frame.addEventListener("load", () => {
    if (copy.pending !== frame) return; // a newer render is on its way
    const doc = frame.contentDocument;
    copy.height = Math.max(doc.documentElement.scrollHeight, 1123);
    frame.style.height = `${copy.height}px`;
    for (const old of copy.box.querySelectorAll("iframe")) if (old !== frame) old.remove();
    frame.classList.remove("loading");
    frame.classList.add("current");
    copy.version = version;
    copy.root.dataset.version = String(version);
    layout();
    // When each copy was last swapped in (the preview benchmark reads it).
    window.dtzShownAt = { ...window.dtzShownAt, [slug]: { version, at: Date.now() } };
  });
  copy.pending = frame;
  copy.box.append(frame);
}

function tabs(state) {
  const list = document.getElementById("tab-list");
  list.replaceChildren();
  for (const c of state.copies) {
    list.append(el("button", { type: "button", "data-tab": c.slug, text: c.naam }));
  }
  for (const button of document.querySelectorAll(".tabs button")) {
    button.setAttribute("aria-pressed", String(button.dataset.tab === tab));
    button.onclick = () => {
      tab = button.dataset.tab;
      tabs(state);
      layout();
    };
  }
}

function apply(state) {
  document.getElementById("letter").textContent = state.letter;
  document.title = `${state.letter}: dtz-letters preview`;
  const status = document.getElementById("status");
  status.classList.remove("offline");
  const when = state.timings.rendered ? new Date(state.timings.rendered * 1000) : new Date();
  status.textContent =
    (state.problems.length ? `${state.problems.length} fout(en)` : "Bijgewerkt") +
    ` om ${when.toLocaleTimeString("nl-NL")}` +
    (state.timings.render_ms ? ` (${state.timings.render_ms} ms)` : "");

  showMessages("problem-list", "problems", state.problems);
  showMessages("warning-list", "warnings", state.warnings);
  showMessages("missing-list", "missing", state.missing);
  document.getElementById("missing-title").textContent =
    `Nog in te vullen (${state.missing.length}): de brief blijft een CONCEPT tot alles bekend is`;

  const main = document.getElementById("copies");
  const wanted = new Set(state.copies.map((c) => c.slug));
  for (const [slug, copy] of copies) {
    if (!wanted.has(slug)) {
      copy.root.remove();
      copies.delete(slug);
    }
  }
  if (tab && !wanted.has(tab)) tab = "";
  state.copies.forEach((c, index) => {
    let copy = copies.get(c.slug);
    if (!copy) {
      const root = el("section", { class: "copy", "data-slug": c.slug });
      const head = el("div", { class: "copy-head" });
      const error = el("p", { class: "copy-error", hidden: "" });
      const box = el("div", { class: "sheet-box" });
      root.append(head, error, box);
      copy = { root, head, error, box, version: -1, pending: null, height: 0 };
      copies.set(c.slug, copy);
    }
    // In the letter's order. Only a copy out of place is moved: a moved iframe reloads.
    if (main.children[index] !== copy.root) main.insertBefore(copy.root, main.children[index] || null);
    const links = Object.entries(c.outputs).map(([name, href]) =>
      el("a", { href, target: "_blank", rel: "noopener", text: name.toUpperCase() }),
    );
    copy.head.replaceChildren(
      el("h2", { text: c.naam, title: c.officiele_naam }),
      el("span", { class: c.concept ? "badge" : "badge final", text: c.concept ? "CONCEPT" : "definitief" }),
      ...links,
    );
    copy.error.hidden = !c.error;
    copy.error.textContent = c.error ? `Niet bijgewerkt: ${c.error}` : "";
    copy.root.classList.toggle("stale", Boolean(c.error));
    if (copy.version !== c.version && (!copy.pending || copy.pending.dataset.v !== String(c.version))) {
      loadFrame(c.slug, copy, c.version, c.naam);
      copy.pending.dataset.v = String(c.version);
    }
  });
  tabs(state);
  layout();
  document.body.dataset.version = String(state.version);
}

function connect() {
  const events = new EventSource("/events");
  events.addEventListener("update", (event) => apply(JSON.parse(event.data)));
  events.addEventListener("error", () => {
    const status = document.getElementById("status");
    status.textContent = "Geen verbinding met dtz-letters preview (gestopt?); opnieuw proberen…";
    status.classList.add("offline");
  });
}

window.addEventListener("resize", layout);
connect();
