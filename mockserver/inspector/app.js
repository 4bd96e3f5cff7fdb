// standin inspector: a page over the admin API (/__standin/...). It holds
// no data of its own: everything comes from the admin API, with the admin
// token when the server has one. Data is only ever put into the page as
// text (textContent, text nodes), never as HTML: request and response
// bodies come from whoever called the mock.
"use strict";

(function () {
  const ADMIN = "/__standin";
  const TOKEN_KEY = "standin.adminToken";
  const MAX_ENTRIES = 2000; // entries kept in the page
  const MAX_ROWS = 500; // rows drawn in the table
  const TREE_PAGE = 200; // children of a state node drawn at a time
  const MAX_STATE_BYTES = 32 << 20; // largest state the tree reads

  // ---- helpers ----------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  // el builds an element; string and number children become text nodes.
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(e.dataset, v);
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function clear(node) { node.replaceChildren(); }

  function toast(msg) {
    const t = $("toast");
    t.textContent = msg;
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.hidden = true; }, 2200);
  }

  async function copy(text) {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
      } else {
        const ta = el("textarea", { class: "offscreen" });
        ta.value = text;
        document.body.append(ta);
        ta.select();
        document.execCommand("copy");
        ta.remove();
      }
      toast("Copied");
    } catch (e) {
      toast("Copy failed: " + e);
    }
  }

  function copyButton(text, label) {
    return el("button", { type: "button", class: "btn small", title: "copy to the clipboard", onclick: (ev) => { ev.stopPropagation(); copy(text); } }, label || "Copy");
  }

  function pad(n, w) { return String(n).padStart(w || 2, "0"); }

  function clock(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return "";
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  }

  function when(iso) {
    const d = new Date(iso);
    if (!iso || isNaN(d)) return "";
    return d.toLocaleString();
  }

  function latency(ns) {
    if (typeof ns !== "number") return "";
    const ms = ns / 1e6;
    if (ms < 1) return ms.toFixed(2) + " ms";
    if (ms < 1000) return ms.toFixed(1) + " ms";
    return (ms / 1000).toFixed(2) + " s";
  }

  function statusBadge(status) {
    const cls = status >= 200 && status < 600 ? Math.floor(status / 100) : 0;
    return el("span", { class: "st st-" + cls }, status ? String(status) : "—");
  }

  function bytes(n) {
    if (n < 1024) return n + " B";
    if (n < 1 << 20) return (n / 1024).toFixed(1) + " KiB";
    return (n / (1 << 20)).toFixed(1) + " MiB";
  }

  // ---- the admin API, with the token -------------------------------------

  let tokenWait = null; // the pending token prompt, shared by every call

  function token() { return sessionStorage.getItem(TOKEN_KEY) || ""; }

  function askToken(refused) {
    if (!tokenWait) {
      tokenWait = new Promise((resolve) => {
        $("token-error").hidden = !refused;
        $("token-overlay").hidden = false;
        const input = $("token-input");
        input.value = "";
        input.focus();
        $("token-form").onsubmit = (ev) => {
          ev.preventDefault();
          const v = input.value.trim();
          if (!v) return;
          sessionStorage.setItem(TOKEN_KEY, v);
          $("token-overlay").hidden = true;
          tokenWait = null;
          resolve();
        };
      });
    }
    return tokenWait;
  }

  // api calls the admin API at path; on a 401 it asks for the token and
  // tries again. It resolves to the Response (any other status).
  async function api(path, opts) {
    for (;;) {
      if (tokenWait) await tokenWait;
      const headers = Object.assign({}, (opts && opts.headers) || {});
      const t = token();
      if (t) headers["Authorization"] = "Bearer " + t;
      const res = await fetch(ADMIN + path, Object.assign({}, opts, { headers, cache: "no-store" }));
      if (res.status !== 401) return res;
      if (t && token() === t) sessionStorage.removeItem(TOKEN_KEY);
      await askToken(Boolean(t));
    }
  }

  async function apiJSON(path, opts) {
    const res = await api(path, opts);
    let body = null;
    try { body = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) {
      const err = new Error((body && body.error) || `${res.status} ${res.statusText}`);
      err.status = res.status;
      throw err;
    }
    return body;
  }

  // ---- tabs ---------------------------------------------------------------

  const loaders = {};
  let activeTab = "journal";

  function showTab(name) {
    activeTab = name;
    for (const b of document.querySelectorAll(".tab")) b.classList.toggle("active", b.dataset.tab === name);
    for (const v of document.querySelectorAll(".view")) v.classList.toggle("active", v.id === "tab-" + name);
    if (loaders[name]) loaders[name]();
    if (location.hash !== "#" + name) history.replaceState(null, "", "#" + name);
  }

  // ---- journal --------------------------------------------------------------

  const journal = {
    entries: [], // oldest first
    seqs: new Map(), // seq → time, of the entries kept
    lastSeq: 0,
    paused: false,
    selected: null,
    apis: new Set(),
    namespaces: new Set(),
    fresh: new Set(),
    idlePolls: 0,
  };

  function globRegExp(glob) {
    const re = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp("^" + re + "$");
  }

  function filters() {
    const path = $("f-path").value.trim();
    return {
      method: $("f-method").value,
      path,
      glob: path.includes("*") || path.includes("?") ? globRegExp(path) : null,
      status: $("f-status").value,
      api: $("f-api").value,
      namespace: $("f-namespace").value,
    };
  }

  function matches(e, f) {
    if (f.method && e.method !== f.method) return false;
    if (f.api && e.api !== f.api) return false;
    if (f.namespace && e.namespace !== f.namespace) return false;
    if (f.status) {
      const c = Math.floor((e.status || 0) / 100);
      if (f.status === "err" ? c < 4 : String(c) !== f.status) return false;
    }
    if (f.path) {
      const p = e.direction === "outbound" ? (e.url || e.path || "") : (e.path || "");
      if (f.glob ? !f.glob.test(p) : !p.toLowerCase().includes(f.path.toLowerCase())) return false;
    }
    return true;
  }

  function addOption(select, value) {
    for (const o of select.options) if (o.value === value) return;
    select.append(el("option", { value }, value));
  }

  function ingest(list) {
    let added = 0;
    // An entry the page knows by its number but with another time, or
    // only entries older than the newest it has, mean the journal was
    // cleared (or the server restarted) and numbers from 1 again.
    const reused = list.some((e) => journal.seqs.has(e.seq) && journal.seqs.get(e.seq) !== e.time);
    if (reused || (list.length && !list.some((e) => journal.seqs.has(e.seq)) && Math.max(...list.map((e) => e.seq)) < journal.lastSeq)) {
      resetJournal();
    }
    for (const e of list) {
      if (journal.seqs.has(e.seq)) continue;
      journal.seqs.set(e.seq, e.time);
      journal.entries.push(e);
      journal.fresh.add(e.seq);
      journal.lastSeq = Math.max(journal.lastSeq, e.seq);
      if (e.api && !journal.apis.has(e.api)) { journal.apis.add(e.api); addOption($("f-api"), e.api); }
      if (e.namespace && !journal.namespaces.has(e.namespace)) { journal.namespaces.add(e.namespace); addOption($("f-namespace"), e.namespace); }
      added++;
    }
    if (journal.entries.length > MAX_ENTRIES) {
      for (const e of journal.entries.splice(0, journal.entries.length - MAX_ENTRIES)) journal.seqs.delete(e.seq);
    }
    journal.entries.sort((a, b) => a.seq - b.seq);
    return added;
  }

  function resetJournal() {
    journal.entries = [];
    journal.seqs.clear();
    journal.lastSeq = 0;
    journal.selected = null;
    $("detail").hidden = true;
  }

  function renderJournal() {
    const f = filters();
    const body = $("journal-body");
    const rows = [];
    for (let i = journal.entries.length - 1; i >= 0 && rows.length < MAX_ROWS; i--) {
      const e = journal.entries[i];
      if (matches(e, f)) rows.push(journalRow(e));
    }
    body.replaceChildren(...rows);
    journal.fresh.clear();
    $("journal-empty").hidden = rows.length > 0;
    $("journal-empty").textContent = journal.entries.length ? "No request matches the filters." : "No requests yet. Call one of the APIs and it shows up here.";
    $("journal-count").textContent = String(journal.entries.length);
  }

  function journalRow(e) {
    const out = e.direction === "outbound";
    const path = el("td", { class: "path", title: out ? e.url : e.path + (e.query ? "?" + e.query : "") },
      out ? el("span", { class: "out" }, "webhook →") : null,
      out ? (e.url || e.path) : e.path,
      !out && e.query ? el("span", { class: "query" }, "?" + e.query) : null);
    const tr = el("tr", {
      dataset: { seq: String(e.seq) },
      class: [journal.selected === e.seq ? "selected" : "", journal.fresh.has(e.seq) ? "fresh" : ""].join(" ").trim() || undefined,
      onclick: () => select(e.seq),
    },
    el("td", { class: "time", title: e.time }, clock(e.time)),
    el("td", {}, el("span", { class: "method m-" + e.method }, e.method)),
    path,
    el("td", {}, statusBadge(e.status)),
    el("td", { class: "latency" }, latency(e.durationNs)),
    el("td", {}, e.api || ""),
    el("td", {}, e.namespace || ""));
    return tr;
  }

  function select(seq) {
    journal.selected = seq;
    for (const tr of $("journal-body").children) tr.classList.toggle("selected", tr.dataset.seq === String(seq));
    const e = journal.entries.find((x) => x.seq === seq);
    if (e) renderDetail(e);
  }

  function headersTable(h) {
    const rows = [];
    for (const name of Object.keys(h || {}).sort()) {
      for (const v of h[name]) rows.push(el("tr", {}, el("td", {}, name), el("td", {}, v)));
    }
    return rows.length ? el("table", { class: "headers" }, el("tbody", {}, rows)) : el("pre", { class: "body none" }, "no headers");
  }

  function prettyBody(text) {
    if (!text) return el("pre", { class: "body none" }, "empty");
    let shown = text;
    try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON: as sent */ }
    return el("pre", { class: "body" }, shown);
  }

  function section(title, content, extra) {
    return el("div", { class: "section" }, el("h3", {}, title, extra || null), content);
  }

  function cutNote(e, field) {
    return (e.truncated || []).includes(field) ? el("span", { class: "note" }, "cut to the journal's limit") : null;
  }

  function renderDetail(e) {
    $("detail").hidden = false;
    const out = e.direction === "outbound";
    $("detail-title").textContent = `${e.method} ${out ? e.url || e.path : e.path}${!out && e.query ? "?" + e.query : ""}`;
    const facts = [
      ["seq", e.seq],
      ["time", e.time],
      ["status", e.status || "none"],
      ["latency", latency(e.durationNs)],
      ["API", e.api || "—"],
      ["namespace", e.namespace || "—"],
    ];
    if (out) facts.push(["direction", "outbound webhook"]);
    if (e.error) facts.push(["error", e.error]);
    if (e.truncated && e.truncated.length) facts.push(["cut", e.truncated.join(", ")]);
    $("detail-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, String(v))]));
    const parts = [];
    if (e.faults !== undefined && e.faults !== null && !(Array.isArray(e.faults) && !e.faults.length)) {
      parts.push(section("Faults and latency applied", el("pre", { class: "body", id: "detail-faults" }, JSON.stringify(e.faults, null, 2))));
    }
    parts.push(
      section("Request headers", headersTable(e.requestHeaders), cutNote(e, "requestHeaders")),
      section("Request body", prettyBody(e.requestBody), cutNote(e, "requestBody")),
      section("Response headers", headersTable(e.responseHeaders), cutNote(e, "responseHeaders")),
      section("Response body", el("div", { id: "detail-response" }, prettyBody(e.responseBody)), cutNote(e, "responseBody")),
    );
    $("detail-sections").replaceChildren(...parts);
  }

  let polling = false;
  async function pollJournal() {
    if (polling || journal.paused) return;
    polling = true;
    try {
      const res = await api(`/journal?after=${journal.lastSeq}&limit=200`);
      if (res.status === 404) {
        setLive("down", "journal disabled");
        return;
      }
      const body = await res.json();
      if (!res.ok) throw new Error(body.error || res.statusText);
      const list = body.entries || [];
      // A journal cleared elsewhere says so in clearedThrough: what the
      // page holds is gone, so it starts over (the entries of this poll,
      // numbered after the clear, are all there is now).
      if (journal.cleared !== undefined && body.clearedThrough !== journal.cleared) {
        resetJournal();
        renderJournal();
      }
      journal.cleared = body.clearedThrough;
      if (!list.length && journal.lastSeq > 0 && ++journal.idlePolls % 5 === 0) {
        // A restarted server numbers its entries from 1 again: look at
        // its newest one now and then.
        const top = await apiJSON("/journal?limit=1");
        const newest = (top.entries || [])[0];
        if (!newest || newest.seq < journal.lastSeq) { resetJournal(); renderJournal(); }
      }
      if (ingest(list) || !$("journal-body").children.length) renderJournal();
      setLive("on", "live");
    } catch (e) {
      setLive("down", "server unreachable");
    } finally {
      polling = false;
    }
  }

  function setLive(state, text) {
    const l = $("live");
    l.className = "live " + state;
    l.textContent = journal.paused ? "paused" : text;
    if (journal.paused) l.className = "live paused";
  }

  // ---- APIs ---------------------------------------------------------------

  async function loadAPIs() {
    const box = $("apis");
    try {
      const body = await apiJSON("/apis");
      const cards = (body.apis || []).map((a) => {
        if (!journal.apis.has(a.name)) { journal.apis.add(a.name); addOption($("f-api"), a.name); }
        const rows = [
          el("tr", {}, el("td", { class: "k" }, "base URL"), el("td", { class: "v", title: a.baseURL }, a.baseURL), el("td", { class: "c" }, copyButton(a.baseURL))),
        ];
        for (const c of a.credentials || []) {
          rows.push(el("tr", { dataset: { credential: c.key } },
            el("td", { class: "k" }, c.key),
            el("td", { class: "v", title: c.value }, c.value, c.hint ? el("span", { class: "hint" }, c.hint) : null),
            el("td", { class: "c" }, copyButton(c.value))));
        }
        if (!(a.credentials || []).length) {
          rows.push(el("tr", {}, el("td", { class: "k" }, "credentials"), el("td", { class: "v" }, "none needed"), el("td", {})));
        }
        return el("div", { class: "card", dataset: { api: a.name } },
          el("div", { class: "card-head" },
            el("h2", {}, a.title || a.name),
            el("span", { class: "name" }, a.prefix),
            el("span", { class: "links" },
              el("a", { href: a.docs, target: "_blank", rel: "noopener noreferrer" }, "API docs"),
              el("a", { href: a.spec, target: "_blank", rel: "noopener noreferrer" }, "OpenAPI spec"))),
          el("table", { class: "kv" }, el("tbody", {}, rows)));
      });
      box.replaceChildren(...cards);
      if (!cards.length) box.replaceChildren(el("p", { class: "empty" }, "No API is mounted."));
    } catch (e) {
      box.replaceChildren(el("p", { class: "empty error" }, "Could not list the APIs: " + e.message));
    }
  }

  // ---- namespaces and state -------------------------------------------------

  let stateNS = null;

  async function loadNamespaces() {
    const tbody = $("namespaces-body");
    try {
      const body = await apiJSON("/namespaces");
      $("ns-note").textContent = body.held === false
        ? "This server's store cannot list its namespaces: only the default one is shown."
        : "The default namespace, and every namespace that holds state (a namespace holds state once a request changed it).";
      tbody.replaceChildren(...(body.namespaces || []).map((ns) => el("tr", { dataset: { namespace: ns.name } },
        el("td", {}, el("code", {}, ns.name)),
        el("td", {}, (ns.apis && ns.apis.length) ? ns.apis.map((a) => el("span", { class: "tag" }, a)) : el("span", { class: "muted" }, "initial state")),
        el("td", { class: "muted" }, ns.lastUsed ? when(ns.lastUsed) : "—"),
        el("td", {}, el("div", { class: "actions" },
          el("button", { type: "button", class: "btn small", dataset: { action: "state" }, onclick: () => loadState(ns.name) }, "State"),
          el("button", { type: "button", class: "btn small", dataset: { action: "export" }, onclick: () => exportNS(ns.name) }, "Export"),
          el("button", { type: "button", class: "btn small danger", dataset: { action: "reset" }, onclick: () => resetNS(ns.name) }, "Reset"))))));
    } catch (e) {
      tbody.replaceChildren(el("tr", {}, el("td", { colspan: 4, class: "error" }, "Could not list the namespaces: " + e.message)));
    }
  }

  async function resetNS(ns) {
    try {
      await apiJSON("/reset?namespace=" + encodeURIComponent(ns), { method: "POST" });
      toast(`Namespace ${ns} reset`);
      await loadNamespaces();
      if (stateNS === ns) await loadState(ns);
    } catch (e) {
      toast("Reset failed: " + e.message);
    }
  }

  async function exportNS(ns) {
    try {
      const res = await api("/snapshot?namespace=" + encodeURIComponent(ns));
      if (!res.ok) throw new Error(res.status + " " + res.statusText);
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const a = el("a", { href: url, download: `standin-${ns}.json` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 5000);
    } catch (e) {
      toast("Export failed: " + e.message);
    }
  }

  async function loadState(ns) {
    stateNS = ns;
    $("state-panel").hidden = false;
    $("state-ns").textContent = ns;
    const tree = $("state-tree");
    tree.replaceChildren(el("span", { class: "muted" }, "loading…"));
    try {
      const res = await api("/snapshot?namespace=" + encodeURIComponent(ns));
      const text = await readCapped(res, MAX_STATE_BYTES);
      if (text === null) {
        tree.replaceChildren(el("p", { class: "empty" }, `The state of ${ns} is larger than ${bytes(MAX_STATE_BYTES)}: too large to browse here. Use Export to download it.`));
        return;
      }
      if (!res.ok) throw new Error(text);
      $("state-size").textContent = bytes(text.length);
      const snap = JSON.parse(text);
      const state = snap[ns];
      if (!state) {
        tree.replaceChildren(el("p", { class: "empty", id: "state-empty" }, `Namespace ${ns} holds no state: its APIs answer from their initial data set.`));
        return;
      }
      tree.replaceChildren(el("ul", {}, Object.keys(state).sort().map((k) => treeNode(k, state[k], true))));
    } catch (e) {
      tree.replaceChildren(el("p", { class: "empty error" }, "Could not read the state: " + e.message));
    }
  }

  // readCapped reads a response's body as text, or gives up (null) past
  // max bytes, so that a huge state does not stall the page.
  async function readCapped(res, max) {
    const reader = res.body.getReader();
    const chunks = [];
    let n = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.length;
      if (n > max) {
        reader.cancel();
        return null;
      }
      chunks.push(value);
    }
    const all = new Uint8Array(n);
    let at = 0;
    for (const c of chunks) { all.set(c, at); at += c.length; }
    return new TextDecoder().decode(all);
  }

  function isContainer(v) { return v !== null && typeof v === "object"; }

  function scalar(v) {
    if (v === null) return el("span", { class: "z" }, "null");
    switch (typeof v) {
      case "string": return el("span", { class: "s" }, JSON.stringify(v));
      case "number": return el("span", { class: "n" }, String(v));
      case "boolean": return el("span", { class: "b" }, String(v));
      default: return el("span", {}, String(v));
    }
  }

  // treeNode draws one key of the state; a container's children are drawn
  // only when it is opened, TREE_PAGE at a time.
  function treeNode(key, value, open) {
    const li = el("li", { dataset: { key: String(key) } });
    const label = el("span", { class: "key" }, key + ": ");
    if (!isContainer(value)) {
      li.append(el("span", { class: "leaf" }), label, scalar(value));
      return li;
    }
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    const summary = Array.isArray(value) ? `[${keys.length}]` : `{${keys.length}}`;
    const toggle = el("span", { class: "toggle" }, "▸");
    const sum = el("span", { class: "summary" }, summary);
    let list = null;
    const setOpen = (o) => {
      if (o && !list) {
        list = el("ul");
        let shown = 0;
        const more = () => {
          const next = keys.slice(shown, shown + TREE_PAGE);
          shown += next.length;
          for (const k of next) list.insertBefore(treeNode(k, value[k], false), moreLi);
          if (shown >= keys.length) moreLi.remove();
          else moreLi.firstChild.textContent = `show ${Math.min(TREE_PAGE, keys.length - shown)} more of ${keys.length - shown}…`;
        };
        const moreLi = el("li", {}, el("span", { class: "more", onclick: more }, ""));
        list.append(moreLi);
        more();
        li.append(list);
      }
      if (list) list.hidden = !o;
      toggle.textContent = o ? "▾" : "▸";
      li.classList.toggle("open", o);
    };
    const flip = () => setOpen(!li.classList.contains("open"));
    toggle.addEventListener("click", flip);
    sum.addEventListener("click", flip);
    label.addEventListener("click", flip);
    label.style.cursor = "pointer";
    li.append(toggle, label, sum);
    li.treeOpen = setOpen;
    if (open) setOpen(true);
    return li;
  }

  // ---- webhooks ---------------------------------------------------------------

  async function loadWebhooks() {
    const subs = $("subscriptions-body");
    const atts = $("attempts-body");
    try {
      const [s, a] = await Promise.all([apiJSON("/webhooks"), apiJSON("/webhooks/attempts?limit=200")]);
      const sl = s.subscriptions || [];
      subs.replaceChildren(...sl.map((x) => el("tr", {},
        el("td", {}, el("code", {}, x.id)), el("td", {}, x.api), el("td", {}, x.namespace),
        el("td", { class: "wrap mono" }, x.url), el("td", { class: "wrap" }, (x.events || []).length ? x.events.map((ev) => el("span", { class: "tag" }, ev)) : el("span", { class: "muted" }, "all")),
        el("td", { class: "muted" }, when(x.createdAt)))));
      if (!sl.length) subs.replaceChildren(el("tr", {}, el("td", { colspan: 6, class: "muted" }, "No subscriptions. POST /__standin/webhooks {api, namespace, url, events} or set webhooks.subscriptions in the config.")));
      const al = (a.attempts || []).slice().reverse();
      atts.replaceChildren(...al.map((x) => el("tr", {},
        el("td", { class: "time", title: x.time }, clock(x.time)), el("td", {}, x.event), el("td", { class: "wrap mono" }, x.url),
        el("td", {}, String(x.try)), el("td", {}, statusBadge(x.status)), el("td", { class: "latency" }, latency(x.latencyNs)),
        el("td", { class: "wrap" }, x.delivered ? "delivered" : (x.error || (x.final ? "failed" : "will retry"))),
        el("td", {}, x.namespace))));
      if (!al.length) atts.replaceChildren(el("tr", {}, el("td", { colspan: 8, class: "muted" }, "No deliveries yet.")));
    } catch (e) {
      subs.replaceChildren(el("tr", {}, el("td", { colspan: 6, class: "error" }, "Could not read the webhooks: " + e.message)));
    }
  }

  // ---- latency and fault rules ---------------------------------------------

  async function loadFaults() {
    const head = $("faults-head");
    const body = $("faults-body");
    const note = $("faults-note");
    try {
      const res = await api("/faults");
      if (res.status === 404) {
        clear(head); clear(body);
        note.textContent = "This server has no latency and fault rules support.";
        return;
      }
      const data = await res.json();
      if (!res.ok) throw new Error(data.error || res.statusText);
      const rules = data.rules || [];
      note.textContent = `${rules.length} rule${rules.length === 1 ? "" : "s"}` + (data.seed !== undefined ? `, seed ${data.seed}` : "");
      const cols = [];
      for (const r of rules) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
      head.replaceChildren(el("tr", {}, cols.map((c) => el("th", {}, c))));
      body.replaceChildren(...rules.map((r) => el("tr", {}, cols.map((c) => el("td", { class: "wrap mono" },
        r[c] === undefined ? "" : (isContainer(r[c]) ? JSON.stringify(r[c]) : String(r[c])))))));
      if (!rules.length) body.replaceChildren(el("tr", {}, el("td", { class: "muted" }, "No rules are set.")));
    } catch (e) {
      note.textContent = "Could not read the fault rules: " + e.message;
    }
  }

  // ---- start ------------------------------------------------------------------

  loaders.apis = loadAPIs;
  loaders.namespaces = loadNamespaces;
  loaders.webhooks = loadWebhooks;
  loaders.faults = loadFaults;

  document.addEventListener("DOMContentLoaded", () => {
    for (const b of document.querySelectorAll(".tab")) b.addEventListener("click", () => showTab(b.dataset.tab));
    for (const id of ["f-method", "f-status", "f-api", "f-namespace"]) $(id).addEventListener("change", renderJournal);
    $("f-path").addEventListener("input", renderJournal);
    $("detail-close").addEventListener("click", () => { journal.selected = null; $("detail").hidden = true; renderJournal(); });
    $("pause").addEventListener("click", () => {
      journal.paused = !journal.paused;
      $("pause").textContent = journal.paused ? "Resume" : "Pause";
      $("pause").classList.toggle("active", journal.paused);
      setLive(journal.paused ? "paused" : "on", journal.paused ? "paused" : "live");
      if (!journal.paused) pollJournal();
    });
    $("clear-journal").addEventListener("click", async () => {
      try {
        const res = await api("/journal", { method: "DELETE" });
        if (!res.ok && res.status !== 204) throw new Error(res.status + " " + res.statusText);
        resetJournal();
        renderJournal();
      } catch (e) {
        toast("Clear failed: " + e.message);
      }
    });
    $("ns-refresh").addEventListener("click", () => { loadNamespaces(); if (stateNS) loadState(stateNS); });
    $("state-expand").addEventListener("click", () => {
      // Opens the closed nodes whose parents are open: one level deeper.
      const closed = [...$("state-tree").querySelectorAll("li")].filter((li) => li.treeOpen && !li.classList.contains("open") && !li.closest("ul[hidden]"));
      for (const li of closed.slice(0, 500)) li.treeOpen(true);
    });
    $("state-collapse").addEventListener("click", () => {
      for (const li of $("state-tree").querySelectorAll("li.open")) li.treeOpen(false);
    });

    const start = (location.hash || "").slice(1);
    showTab(loaders[start] || start === "journal" ? start : "journal");
    loadAPIs(); // fills the API filter
    pollJournal();
    setInterval(pollJournal, 1000);
    setInterval(() => {
      if (document.hidden) return;
      if (activeTab === "webhooks") loadWebhooks();
    }, 3000);
  });
})();
