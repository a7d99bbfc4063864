// genre-detect page: paste an article, show the verdict at once, then the cue spans and the evidence sentences.
//
// Safety rule for this file: text from the user or the server is only ever put into the page through textContent,
// createTextNode, title and dataset (never innerHTML, outerHTML, insertAdjacentHTML or document.write), so a pasted
// <script> or <img onerror> stays inert text. tests/test_service.py checks that none of those sinks appears here.
//
// Flow: /v1/predict answers first (a few windows) and its verdict is shown as soon as it arrives; /v1/explain (one
// extra pass per sentence and cue, much slower on a long text) follows with a progress line and a Cancel button,
// which aborts the request; the server stops the work when the connection goes.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const TOKEN_KEY = "genre-detect-token";
  // Changes in satire probability smaller than this are not shown as reasons (the int8 model alone moves scores by
  // about 0.001); the server's explain answer may state its own floor (reliance_floor), which then wins.
  const DEFAULT_FLOOR = 0.01;
  const state = { limits: null, text: null, prediction: null, token: null, run: 0, explain: null };

  function node(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined && text !== null) el.textContent = String(text);
    return el;
  }

  function pct(p) {
    return (100 * p).toFixed(p > 0.01 && p < 0.99 ? 0 : 1) + "%";
  }

  // The same signed number as the CLI (Python's "{:+.3f}"): satire probability with the passage minus without it.
  function signed(x) {
    return (x < 0 ? "-" : "+") + Math.abs(x).toFixed(3);
  }

  function toward(x) {
    return signed(x) + " toward " + (x < 0 ? "sincere" : "satire");
  }

  function setStatus(msg, isError) {
    const s = $("status");
    s.textContent = msg || "";
    s.className = isError ? "error" : "";
  }

  // -- requests --------------------------------------------------------------------------------------------------
  async function api(method, url, body, signal) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (state.token) headers.Authorization = "Bearer " + state.token;
    const r = await fetch(url, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: signal,
    });
    let data = null;
    try {
      data = await r.json();
    } catch (e) {
      data = null;
    }
    const res = { ok: r.ok, status: r.status, data: data, retryAfter: r.headers.get("Retry-After") };
    if (r.status === 401) askToken("The server did not accept the token (" + errorText(res) + "). Enter it again.");
    return res;
  }

  function errorText(res) {
    let s = "the server answered " + res.status;
    if (res.data && res.data.message) s = (res.data.code ? res.data.code + ": " : "") + res.data.message;
    if (res.retryAfter) s += " (retry in " + res.retryAfter + " s)";
    return s;
  }

  // -- the token -------------------------------------------------------------------------------------------------
  function askToken(message) {
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    $("auth").hidden = false;
    $("auth-status").textContent = message || "";
    $("who").textContent = "";
    $("sign-out").hidden = true;
    $("check").disabled = true;
    $("token").focus();
  }

  function signedIn(name) {
    $("auth").hidden = true;
    $("auth-status").textContent = "";
    $("who").textContent = name ? "Signed in as " + name + "." : "";
    $("sign-out").hidden = !name;
    $("check").disabled = false;
  }

  // Tries a token on /v1/whoami; keeps it for this tab only when the server accepts it.
  async function tryToken(token) {
    state.token = token;
    let res;
    try {
      res = await api("GET", "/v1/whoami");
    } catch (e) {
      $("auth-status").textContent = "Could not reach the server.";
      return false;
    }
    if (res.ok) {
      sessionStorage.setItem(TOKEN_KEY, token);
      signedIn(res.data && res.data.moderator);
      return true;
    }
    if (res.status !== 401) $("auth-status").textContent = errorText(res);
    return false;
  }

  async function saveToken(ev) {
    ev.preventDefault();
    const token = $("token").value.trim();
    if (!token) return;
    $("token-save").disabled = true;
    $("auth-status").textContent = "Checking\u2026";
    try {
      if (await tryToken(token)) $("token").value = "";
    } finally {
      $("token-save").disabled = false;
    }
  }

  // -- verdict ---------------------------------------------------------------------------------------------------
  function verdictOf(p) {
    return p.uncertain ? "uncertain" : p.label;
  }

  function bandValue() {
    const v = parseFloat($("band").value);
    return Number.isFinite(v) ? Math.min(0.49, Math.max(0, v)) : null;
  }

  function renderVerdict(p, band) {
    const v = verdictOf(p);
    const verdict = $("verdict");
    verdict.textContent = v;
    verdict.className = "verdict verdict-" + v;
    $("verdict-card").className = "card card-" + v;
    let prob = "Satire probability " + pct(p.satire_probability) + " (calibrated)";
    if (p.uncertain) prob += ", leaning " + p.label;
    if (state.limits) {
      prob += "; threshold " + state.limits.threshold + ", uncertain within \u00b1" + band;
    }
    $("probability").textContent = prob;
    $("meter-fill").style.width = (100 * p.satire_probability).toFixed(1) + "%";
    if (state.limits) $("meter-threshold").style.left = (100 * state.limits.threshold).toFixed(1) + "%";
    const scores = Object.keys(p.genre_scores || {})
      .map((g) => g + " " + pct(p.genre_scores[g]))
      .join(", ");
    $("genre").textContent = "Genre: " + p.genre + (scores ? " (" + scores + ")" : "");
    const notes = $("notes");
    notes.replaceChildren();
    if (p.language && p.language !== "en") {
      notes.append(node("li", "warn", "The text does not look like English (" + p.language +
        "); the model is English-only, so this verdict is unreliable."));
    }
    if (p.html_extracted) {
      notes.append(node("li", null, "The paste was HTML: the verdict is on its main text, extracted without " +
        "menus, scripts and page furniture."));
    }
    notes.append(node("li", null, p.num_tokens + " tokens read in " + (p.windows || []).length +
      " window(s); nothing was cut."));
  }

  // -- text with cue spans ---------------------------------------------------------------------------------------
  function floorOf(p) {
    return p && typeof p.reliance_floor === "number" ? p.reliance_floor : DEFAULT_FLOOR;
  }

  function reliedOn(x, floor, flag) {
    if (typeof flag === "boolean") return flag;
    return typeof x === "number" && Math.abs(x) >= floor;
  }

  // One line per cue: what it is, the signed reliance (the CLI's number), and one plain sentence on what the model
  // made of it: the server's own note (the CLI prints the same one), else the page's.
  function describeCue(c, floor) {
    let s = c.name + " (" + c.family + "): " + c.why + ".";
    const note = typeof c.note === "string" && c.note ? c.note.charAt(0).toUpperCase() + c.note.slice(1) + "." :
      null;
    if (typeof c.reliance !== "number") {
      return s + " " + (note || "Not measured: the explanation stopped before reaching this passage.");
    }
    if (!reliedOn(c.reliance, floor, c.relied_on)) {
      return s + " Model reliance " + signed(c.reliance) + ", below " + floor + ": " +
        (note || "the model barely relied on it.");
    }
    s += " Model reliance " + toward(c.reliance) + ": ";
    if (note) return s + note;
    return s + (c.reliance < 0 ? "the model read this passage as a sign of sincere writing." :
      "the satire probability would be " + Math.abs(c.reliance).toFixed(3) + " lower without it.");
  }

  function safeToken(s) {
    return String(s || "").replace(/[^a-z0-9_-]/gi, "");
  }

  function showCue(mark) {
    $("cue-detail").textContent = mark.title;
  }

  // Offsets from the server count Unicode code points; JavaScript strings count UTF-16 units, so slice an array of
  // code points instead (an emoji before a cue would otherwise shift every highlight after it).
  function renderText(text, cues, evidence, floor) {
    const box = $("marked-text");
    box.replaceChildren();
    const chars = Array.from(text);
    const n = chars.length;
    const clamp = (i) => Math.max(0, Math.min(n, Number(i) || 0));
    const spans = (cues || []).map((c) => ({ c: c, a: clamp(c.start), b: clamp(c.end) })).filter((s) => s.b > s.a);
    const ev = (evidence || []).map((e) => ({ a: clamp(e.start), b: clamp(e.end) })).filter((s) => s.b > s.a);
    const cuts = new Set([0, n]);
    spans.concat(ev).forEach((s) => {
      cuts.add(s.a);
      cuts.add(s.b);
    });
    const points = Array.from(cuts).sort((x, y) => x - y);
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i];
      const b = points[i + 1];
      const seg = chars.slice(a, b).join("");
      const covering = spans.filter((s) => s.a <= a && s.b >= b).map((s) => s.c);
      let piece;
      if (covering.length) {
        const first = covering[0];
        let cls = "cue cue-" + safeToken(first.family);
        if (typeof first.reliance === "number" && first.reliance < 0 && reliedOn(first.reliance, floor,
          first.relied_on)) cls += " cue-sincere";
        piece = node("mark", cls, seg);
        piece.title = covering.map((c) => describeCue(c, floor)).join("\n");
        piece.dataset.cues = covering.map((c) => c.name).join(" ");
        piece.tabIndex = 0;
        piece.addEventListener("mouseenter", () => showCue(piece));
        piece.addEventListener("focus", () => showCue(piece));
        piece.addEventListener("click", () => showCue(piece));
      } else {
        piece = document.createTextNode(seg);
      }
      if (ev.some((s) => s.a <= a && s.b >= b)) {
        const wrap = node("span", "evidence-span");
        wrap.append(piece);
        piece = wrap;
      }
      box.append(piece);
    }
  }

  function renderLegend(cues, explained) {
    const legend = $("legend");
    legend.replaceChildren();
    if (!explained) return;
    const byFamily = new Map();
    (cues || []).forEach((c) => byFamily.set(c.family, (byFamily.get(c.family) || 0) + 1));
    byFamily.forEach((count, family) => {
      const li = node("li");
      li.append(node("mark", "cue cue-" + safeToken(family), family), document.createTextNode(" \u00d7 " + count));
      legend.append(li);
    });
    if (!byFamily.size) legend.append(node("li", "muted", "No satire cues found."));
    const ev = node("li", "legend-note");
    ev.append(node("span", "evidence-span", "underlined"), document.createTextNode(" = a sentence the verdict rests on"));
    legend.append(ev);
    if (document.querySelector("#marked-text mark.cue-sincere")) {
      const neg = node("li", "legend-note");
      neg.append(node("mark", "cue cue-sincere", "dashed"),
        document.createTextNode(" = a cue the model read as a sign of sincere writing"));
      legend.append(neg);
    }
  }

  function renderEvidence(p) {
    const list = $("evidence");
    list.replaceChildren();
    const floor = floorOf(p);
    // Each sentence carries the signed change: satire probability of the text minus that without the sentence.
    const shown = (p.evidence || []).filter((e) => reliedOn(e.reliance !== undefined ? e.reliance : e.drop, floor,
      e.relied_on));
    $("evidence-caption").textContent = "Each number is the satire probability of the whole text minus that " +
      "without the sentence: + pushed the text toward satire, - toward sincere. Changes below " + floor +
      " are not shown as reasons.";
    if (!shown.length) {
      list.append(node("li", "muted", "No sentence moves the verdict by " + floor + " or more."));
      return shown;
    }
    shown.forEach((e) => {
      const x = e.reliance !== undefined ? e.reliance : e.drop;
      const li = node("li");
      li.append(node("span", "drop " + (x < 0 ? "toward-sincere" : "toward-satire"), toward(x)));
      if (e.families && e.families.length) li.append(node("span", "families", "cues: " + e.families.join(", ")));
      li.append(node("q", null, e.text));
      list.append(li);
    });
    return shown;
  }

  function clearExplanation(text, message) {
    renderText(text, [], [], DEFAULT_FLOOR);
    renderLegend([], false);
    $("evidence").replaceChildren(node("li", "muted", message));
    $("evidence-caption").textContent = "";
    $("cue-detail").textContent = "";
  }

  // -- explanation, after the verdict ----------------------------------------------------------------------------
  function explainState(s, message) {
    $("explain-panel").dataset.state = s;
    $("explain-status").textContent = message;
    $("explain-bar").hidden = s !== "running";
    $("explain-cancel").hidden = s !== "running";
  }

  function stopExplain() {
    if (state.explain) {
      clearInterval(state.explain.timer);
      state.explain.controller.abort();
      state.explain = null;
    }
  }

  async function startExplain(text, run, band) {
    const controller = new AbortController();
    const t0 = Date.now();
    const words = text.split(/\s+/).filter(Boolean).length;
    const tick = () => explainState("running", "Finding the reasons\u2026 " + Math.round((Date.now() - t0) / 1000) +
      " s (" + words + " words; a long text takes a while, the verdict above will not change).");
    tick();
    state.explain = { controller: controller, timer: setInterval(tick, 500) };
    let res;
    try {
      res = await api("POST", "/v1/explain", { text: text, top_k: 3, uncertain_band: band }, controller.signal);
    } catch (e) {
      if (run !== state.run) return;
      clearInterval(state.explain && state.explain.timer);
      state.explain = null;
      if (e.name === "AbortError") {
        explainState("cancelled", "Explanation cancelled; the verdict above stands.");
        clearExplanation(text, "Explanation cancelled.");
      } else {
        explainState("error", "Could not reach the server for the explanation.");
      }
      return;
    }
    if (run !== state.run) return; // a newer check replaced this one
    clearInterval(state.explain.timer);
    state.explain = null;
    if (!res.ok || !res.data) {
      explainState("error", "No explanation: " + errorText(res));
      clearExplanation(text, "No explanation.");
      return;
    }
    const p = res.data;
    const floor = floorOf(p);
    const shown = renderEvidence(p);
    renderText(typeof p.text === "string" ? p.text : text, p.cues, shown, floor);
    renderLegend(p.cues || [], true);
    $("cue-detail").textContent = "";
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    let msg = "Explained in " + secs + " s: " + (p.cues || []).length + " cue(s), " + shown.length +
      " evidence sentence(s).";
    if (p.stopped_early) {
      const part = typeof p.windows_explained === "number" && typeof p.windows_total === "number" ?
        " after " + p.windows_explained + " of " + p.windows_total + " windows" : "";
      msg += " It stopped early at its time budget" + part + ": the most decisive passages come first, and " +
        "passages it did not reach are not measured.";
    }
    explainState(p.stopped_early ? "partial" : "done", msg);
  }

  // -- actions ---------------------------------------------------------------------------------------------------
  async function check(ev) {
    ev.preventDefault();
    const text = $("article").value;
    if (!text.trim()) {
      setStatus("Paste an article first.", true);
      return;
    }
    if (state.limits && Array.from(text).length > state.limits.max_chars) {
      setStatus("The text is longer than the limit of " + state.limits.max_chars + " characters.", true);
      return;
    }
    stopExplain();
    const run = ++state.run;
    const band = bandValue();
    $("check").disabled = true;
    setStatus("Reading\u2026");
    try {
      const res = await api("POST", "/v1/predict", { text: text, uncertain_band: band });
      if (run !== state.run) return;
      if (!res.ok || !res.data) {
        setStatus(errorText(res), true);
        return;
      }
      const p = res.data;
      state.text = text;
      state.prediction = p;
      renderVerdict(p, band);
      $("fb-status").textContent = "";
      $("feedback").open = false;
      $("fb-label").value = p.label === "satire" ? "sincere" : "satire"; // a report usually says "the other one"
      $("result").hidden = false;
      setStatus("Verdict ready.");
      const explainable = !state.limits || state.limits.explain;
      clearExplanation(text, explainable ? "Waiting for the explanation\u2026" : "Not available on this server.");
      if (!explainable) {
        explainState("unavailable", "Cue explanations are not available on this server.");
        return;
      }
      startExplain(text, run, band); // not awaited: the page stays usable, Cancel works
    } catch (e) {
      setStatus("Could not reach the server.", true);
    } finally {
      $("check").disabled = !$("auth").hidden; // stays off while the page waits for a token
    }
  }

  function cancelExplain() {
    if (!state.explain) return;
    state.explain.controller.abort(); // the fetch rejects with AbortError; startExplain shows "cancelled"
  }

  async function sendFeedback(ev) {
    ev.preventDefault();
    if (!state.prediction) return;
    const status = $("fb-status");
    $("fb-send").disabled = true;
    status.textContent = "Sending\u2026";
    try {
      const res = await api("POST", "/v1/feedback", {
        text: state.text,
        verdict: verdictOf(state.prediction),
        label: $("fb-label").value,
        comment: $("fb-comment").value,
        satire_probability: state.prediction.satire_probability,
      });
      if (res.ok && res.data.duplicate) {
        status.textContent = "You had already sent this report (#" + res.data.id + "); it now counts " +
          res.data.count + " times.";
      } else {
        status.textContent = res.ok ? "Recorded as report #" + res.data.id + ". Thank you." : errorText(res);
      }
      status.className = res.ok ? "ok" : "error";
    } catch (e) {
      status.textContent = "Could not reach the server; the report was not recorded.";
      status.className = "error";
    } finally {
      $("fb-send").disabled = false;
    }
  }

  function updateCount() {
    const n = Array.from($("article").value).length;
    $("count").textContent = n ? n + " characters" : "";
  }

  async function init() {
    $("check-form").addEventListener("submit", check);
    $("feedback-form").addEventListener("submit", sendFeedback);
    $("token-form").addEventListener("submit", saveToken);
    $("explain-cancel").addEventListener("click", cancelExplain);
    $("sign-out").addEventListener("click", () => askToken(""));
    $("article").addEventListener("input", updateCount);
    $("article").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) $("check-form").requestSubmit();
    });
    try {
      const r = await fetch("/health");
      if (r.ok) {
        state.limits = await r.json();
        $("model-info").textContent = "Model " + state.limits.model + ", threshold " + state.limits.threshold + "." +
          (state.limits.explain ? "" : " (Cue explanations are not available.)");
        $("band").value = String(state.limits.uncertain_band);
      }
    } catch (e) {
      $("model-info").textContent = "";
    }
    if (state.limits && state.limits.auth) {
      const saved = sessionStorage.getItem(TOKEN_KEY);
      if (!saved || !(await tryToken(saved))) askToken($("auth-status").textContent);
    }
  }

  document.addEventListener("DOMContentLoaded", init);
})();
