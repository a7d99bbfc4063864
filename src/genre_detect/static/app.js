// genre-detect page: paste an article, show the verdict, the cue spans and the evidence sentences.
//
// Safety rule for this file: text from the user or the server is only ever put into the page through textContent,
// createTextNode, title and dataset (never innerHTML, outerHTML, insertAdjacentHTML or document.write), so a pasted
// <script> or <img onerror> stays inert text. tests/test_service.py checks that none of those sinks appears here.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const state = { limits: null, text: null, prediction: null };

  function node(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined && text !== null) el.textContent = String(text);
    return el;
  }

  function pct(p) {
    return (100 * p).toFixed(p > 0.01 && p < 0.99 ? 0 : 1) + "%";
  }

  function setStatus(msg, isError) {
    const s = $("status");
    s.textContent = msg || "";
    s.className = isError ? "error" : "";
  }

  async function postJSON(url, body) {
    const r = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
    let data = null;
    try {
      data = await r.json();
    } catch (e) {
      data = null;
    }
    return { ok: r.ok, status: r.status, data: data };
  }

  function errorText(res) {
    if (res.data && res.data.message) return (res.data.code ? res.data.code + ": " : "") + res.data.message;
    return "the server answered " + res.status;
  }

  // -- verdict ---------------------------------------------------------------------------------------------------
  function verdictOf(p) {
    return p.uncertain ? "uncertain" : p.label;
  }

  function renderVerdict(p) {
    const v = verdictOf(p);
    const verdict = $("verdict");
    verdict.textContent = v;
    verdict.className = "verdict verdict-" + v;
    $("verdict-card").className = "card card-" + v;
    let prob = "Satire probability " + pct(p.satire_probability) + " (calibrated)";
    if (p.uncertain) prob += ", leaning " + p.label;
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
    notes.append(node("li", null, p.num_tokens + " tokens read in " + (p.windows || []).length +
      " window(s); nothing was cut."));
  }

  // -- text with cue spans ---------------------------------------------------------------------------------------
  function describeCue(c) {
    let s = c.name + " (" + c.family + "): " + c.why;
    if (typeof c.reliance === "number") s += "; reliance " + c.reliance.toFixed(3);
    return s;
  }

  function safeToken(s) {
    return String(s || "").replace(/[^a-z0-9_-]/gi, "");
  }

  function showCue(mark) {
    $("cue-detail").textContent = mark.title;
  }

  // Offsets from the server count Unicode code points; JavaScript strings count UTF-16 units, so slice an array of
  // code points instead (an emoji before a cue would otherwise shift every highlight after it).
  function renderText(text, cues, evidence) {
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
        piece = node("mark", "cue cue-" + safeToken(covering[0].family), seg);
        piece.title = covering.map(describeCue).join("\n");
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
    renderLegend(cues || []);
  }

  function renderLegend(cues) {
    const legend = $("legend");
    legend.replaceChildren();
    if (!cues.length) {
      legend.append(node("li", "muted", "No satire cues found."));
      return;
    }
    const byFamily = new Map();
    cues.forEach((c) => byFamily.set(c.family, (byFamily.get(c.family) || 0) + 1));
    byFamily.forEach((count, family) => {
      const li = node("li");
      li.append(node("mark", "cue cue-" + safeToken(family), family), document.createTextNode(" \u00d7 " + count));
      legend.append(li);
    });
  }

  function renderEvidence(evidence, label) {
    const list = $("evidence");
    list.replaceChildren();
    $("evidence-caption").textContent = "";
    if (!evidence || !evidence.length) {
      list.append(node("li", "muted", "No sentence stands out as supporting the verdict."));
      return;
    }
    $("evidence-caption").textContent = "The change in satire probability when the sentence is removed: these " +
      "sentences push the text most towards " + label + ".";
    evidence.forEach((e) => {
      const li = node("li");
      // drop = p(with) - p(without), so removing the sentence changes the probability by -drop.
      const size = Math.abs(e.drop);
      const change = (e.drop >= 0 ? "\u2212" : "+") + (size >= 0.001 ? size.toFixed(3) : "<0.001");
      li.append(node("span", "drop", change), node("q", null, e.text));
      list.append(li);
    });
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
    $("check").disabled = true;
    setStatus("Reading\u2026");
    try {
      let res = await postJSON("/v1/explain", { text: text, top_k: 3 });
      let explained = true;
      if (res.status === 503) {
        // No cue report on this server: fall back to the verdict alone and say so.
        explained = false;
        res = await postJSON("/v1/predict", { text: text });
      }
      if (!res.ok || !res.data) {
        setStatus(errorText(res), true);
        return;
      }
      const p = res.data;
      state.text = text;
      state.prediction = p;
      renderVerdict(p);
      renderText(explained && typeof p.text === "string" ? p.text : text, p.cues, p.evidence);
      renderEvidence(p.evidence, p.label);
      $("cue-detail").textContent = explained ? "" : "Cue explanations are not available on this server.";
      $("fb-status").textContent = "";
      $("feedback").open = false;
      $("fb-label").value = p.label === "satire" ? "sincere" : "satire"; // a report usually says "the other one"
      $("result").hidden = false;
      setStatus("Done.");
    } catch (e) {
      setStatus("Could not reach the server.", true);
    } finally {
      $("check").disabled = false;
    }
  }

  async function sendFeedback(ev) {
    ev.preventDefault();
    if (!state.prediction) return;
    const status = $("fb-status");
    $("fb-send").disabled = true;
    status.textContent = "Sending\u2026";
    try {
      const res = await postJSON("/v1/feedback", {
        text: state.text,
        verdict: verdictOf(state.prediction),
        label: $("fb-label").value,
        comment: $("fb-comment").value,
        satire_probability: state.prediction.satire_probability,
      });
      status.textContent = res.ok ? "Recorded as report #" + res.data.id + ". Thank you." : errorText(res);
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
    $("article").addEventListener("input", updateCount);
    $("article").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) $("check-form").requestSubmit();
    });
    try {
      const r = await fetch("/health");
      if (r.ok) {
        state.limits = await r.json();
        $("model-info").textContent = "Model " + state.limits.model + ", threshold " + state.limits.threshold +
          (state.limits.explain ? "" : " (cue explanations not available)");
      }
    } catch (e) {
      $("model-info").textContent = "";
    }
  }

  document.addEventListener("DOMContentLoaded", init);
})();
