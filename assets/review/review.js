// The review page: the queue on the left, the page image in the middle, its values and text
// on the right. Keyboard first: Enter accepts or corrects a value and moves on; in the text,
// Ctrl+S records its correction and Esc puts it back; Ctrl+Enter (after recording an edited
// text) clears the page and opens the next one. Every decision is a POST the station records.
"use strict";

const csrf = document.querySelector('meta[name="csrf"]').content;
const $ = (id) => document.getElementById(id);
let pages = [];      // the queue's pages, in order: {id, dossier, label}
let current = null;  // the page shown, as the station sent it
let textBase = null; // the text put in the text box, and of which page: edits are kept
let textPage = null; // while values of the same page are decided

async function getJson(url) {
  const r = await fetch(url, { credentials: "same-origin" });
  if (!r.ok) throw new Error(await r.text());
  return r.json();
}

async function post(decision) {
  const r = await fetch("/api/review", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Sohoa-Csrf": csrf },
    body: JSON.stringify(decision),
  });
  if (!r.ok) throw new Error(await r.text());
  return r.json();
}

function fillSelect(select, values) {
  const chosen = select.value;
  select.length = 1;
  for (const v of values) select.add(new Option(v, v, false, v === chosen));
}

function filterQuery() {
  const q = new URLSearchParams();
  for (const k of ["collection", "reason", "operator"]) q.set(k, $("f-" + k).value);
  return q.toString();
}

async function loadQueue(keep) {
  const q = await getJson("/api/queue?" + filterQuery());
  $("reviewer").textContent = "Người duyệt: " + q.reviewer;
  fillSelect($("f-collection"), q.collections);
  fillSelect($("f-reason"), q.reasons);
  fillSelect($("f-operator"), q.operators);
  $("count").textContent = q.dossiers.length + " hồ sơ chờ duyệt";
  const nav = $("queue");
  nav.replaceChildren();
  pages = [];
  for (const d of q.dossiers) {
    const box = document.createElement("div");
    box.className = "dossier";
    box.textContent = d.collection + " · " + d.dossier;
    for (const p of d.pages) {
      const a = document.createElement("a");
      a.href = "#" + p.id;
      a.className = "page";
      a.dataset.page = p.id;
      const n = p.page_count > 1 ? " tr. " + (p.page_index + 1) : "";
      a.textContent = p.rel_path + n + " — " + p.flags.join(", ");
      a.addEventListener("click", (e) => { e.preventDefault(); show(p.id); });
      box.append(a);
      pages.push(p.id);
    }
    nav.append(box);
  }
  const next = keep !== undefined && pages.includes(keep) ? keep : pages[0];
  if (next !== undefined) await show(next); else clearPanel();
}

function clearPanel() {
  current = null;
  $("title").textContent = "Không còn hồ sơ chờ duyệt";
  $("flags").replaceChildren();
  $("fields").tBodies[0].replaceChildren();
  $("text").value = "";
  textBase = textPage = null;
  $("image").removeAttribute("src");
}

async function show(id) {
  current = await getJson("/api/page/" + id);
  render();
  const first = document.querySelector("tr.unsure input") || document.querySelector("#fields input");
  (first || $("done")).focus();
}

function render() {
  const p = current;
  const n = p.page_count > 1 ? ", trang " + (p.page_index + 1) + "/" + p.page_count : "";
  $("title").textContent = p.collection + " · " + p.dossier + " · " + p.rel_path + n;
  $("flags").replaceChildren(...p.flags.map((f) => {
    const s = document.createElement("span");
    s.className = "flag";
    s.textContent = f;
    return s;
  }));
  $("image").src = "/image/" + p.id;
  const box = $("text");
  if (textPage !== p.id || box.value === textBase) {
    box.value = p.text;
    textBase = p.text;
    textPage = p.id;
  }
  box.classList.toggle("corrected", p.text_corrected);
  $("text-state").textContent = p.text_corrected ? "(đã sửa)" : "";
  const body = $("fields").tBodies[0];
  body.replaceChildren();
  for (const f of p.fields) body.append(fieldRow(f));
  for (const a of document.querySelectorAll("nav .page")) {
    a.classList.toggle("current", Number(a.dataset.page) === p.id);
  }
}

function fieldRow(f) {
  const tr = document.createElement("tr");
  tr.className = [f.unsure ? "unsure" : "", f.decision || ""].join(" ").trim();
  const name = document.createElement("td");
  name.className = "name";
  name.textContent = (f.member > 0 ? "#" + f.member + " " : "") + f.name;
  if (f.doubt) {
    const d = document.createElement("div");
    d.className = "doubt";
    d.textContent = f.doubt + " · " + Math.round(f.confidence);
    name.append(d);
  }
  const cell = document.createElement("td");
  const input = document.createElement("input");
  input.value = f.value;
  input.dataset.field = f.id;
  input.dataset.name = f.name;
  input.addEventListener("keydown", (e) => fieldKey(e, f, input));
  cell.append(input);
  tr.append(name, cell);
  return tr;
}

async function fieldKey(e, f, input) {
  if (e.key === "Escape") { input.value = f.value; return; }
  if (e.key !== "Enter" || e.ctrlKey) return;
  e.preventDefault();
  const value = input.value.trim();
  const decision = value === f.value
    ? { page: current.id, action: "accept", field: f.id }
    : { page: current.id, action: "correct", field: f.id, value };
  await decide(decision, f.id);
}

async function decide(decision, field) {
  try {
    current = await post(decision);
    render();
    $("status").textContent = decision.action === "correct" ? "Đã sửa." : "Đã nhận.";
    const inputs = [...document.querySelectorAll("#fields input")];
    const at = inputs.findIndex((i) => Number(i.dataset.field) === field);
    (inputs[at + 1] || $("done")).focus();
  } catch (err) {
    $("status").textContent = "Lỗi: " + err.message;
  }
}

function textEdited() {
  return current !== null && textPage === current.id && $("text").value !== textBase;
}

// Record the text box as the page's text, when it was edited.
async function saveText() {
  if (!textEdited()) return;
  current = await post({ page: current.id, action: "text", value: $("text").value });
  textBase = $("text").value; // recorded: the station's text may now replace it
  render();
  $("status").textContent = "Đã sửa văn bản.";
}

function textKey(e) {
  if (e.key === "Escape") { e.preventDefault(); $("text").value = textBase; }
}

async function done() {
  if (!current) return;
  const at = pages.indexOf(current.id);
  try {
    await saveText();
    await post({ page: current.id, action: "done" });
    $("status").textContent = "Xong trang.";
    await loadQueue(pages[at + 1]);
  } catch (err) {
    $("status").textContent = "Lỗi: " + err.message;
  }
}

function step(by) {
  if (!current) return;
  const next = pages[pages.indexOf(current.id) + by];
  if (next !== undefined) show(next);
}

document.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && e.ctrlKey) { e.preventDefault(); done(); }
  else if (e.ctrlKey && e.key === "s") {
    e.preventDefault();
    saveText().catch((err) => { $("status").textContent = "Lỗi: " + err.message; });
  }
  else if (e.altKey && e.key === "t") { e.preventDefault(); $("text").focus(); }
  else if (e.altKey && e.key === "ArrowDown") { e.preventDefault(); step(1); }
  else if (e.altKey && e.key === "ArrowUp") { e.preventDefault(); step(-1); }
});
$("done").addEventListener("click", done);
$("text").addEventListener("keydown", textKey);
for (const k of ["collection", "reason", "operator"]) {
  $("f-" + k).addEventListener("change", () => loadQueue());
}
loadQueue().catch((err) => { $("status").textContent = "Lỗi: " + err.message; });
