// Charts of a run's results page, drawn with the plotly.js the workbench serves itself.
(function () {
  "use strict";
  var CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  var FONT = { family: "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif", size: 12, color: "#1f2933" };
  var SYMBOLS = ["line-ns", "diamond-tall", "cross-thin", "star-triangle-up", "x-thin", "hourglass"];

  function layout(extra) {
    var base = { font: FONT, margin: { l: 220, r: 20, t: 40, b: 50 }, paper_bgcolor: "white", plot_bgcolor: "white",
                 legend: { orientation: "h", x: 0, xanchor: "left", y: 1.02, yanchor: "bottom" }, hovermode: "closest" };
    return Object.assign(base, extra || {});
  }

  function pct(value, issue) { return 100 * (value - issue.min) / (issue.max - issue.min); }

  function nearestAnchor(issue, value) {
    var best = null;
    issue.anchors.forEach(function (a) { if (best === null || Math.abs(a[0] - value) < Math.abs(best[0] - value)) { best = a; } });
    return best ? best[0] + ": " + best[1] : "";
  }

  function forecastChart(data) {
    var el = document.getElementById("chart-forecast");
    if (!el) { return; }
    var sc = data.scenario, run = data.run;
    var names = sc.issues.map(function (i) { return i.name; });
    var actorColour = {}, actorName = {};
    sc.actors.forEach(function (a) { actorColour[a.id] = a.colour; actorName[a.id] = a.name; });
    var maxWeight = 0;
    sc.issues.forEach(function (i) { i.stances.forEach(function (s) { maxWeight = Math.max(maxWeight, s.weight); }); });
    var traces = [];
    sc.actors.forEach(function (a) {
      var x = [], y = [], size = [], text = [], lo = [], hi = [];
      sc.issues.forEach(function (i) {
        i.stances.forEach(function (s) {
          if (s.actor !== a.id) { return; }
          x.push(pct(s.position, i)); y.push(i.name);
          lo.push(pct(s.position, i) - pct(s.low, i)); hi.push(pct(s.high, i) - pct(s.position, i));
          size.push(8 + 22 * (maxWeight ? s.weight / maxWeight : 0.5));
          text.push(a.name + "<br>" + i.name + ": position " + s.position + " (" + s.low + "–" + s.high + "), salience " + s.salience.toFixed(2));
        });
      });
      traces.push({ type: "scatter", mode: "markers", name: a.short, x: x, y: y, text: text, hoverinfo: "text",
                    marker: { color: a.colour, size: size, opacity: 0.85, line: { color: "white", width: 1 } },
                    error_x: { type: "data", symmetric: false, array: hi, arrayminus: lo, color: a.colour, thickness: 1, width: 0 } });
    });
    traces.push({ type: "scatter", mode: "markers", name: "status quo", y: names,
                  x: sc.issues.map(function (i) { return pct(i.status_quo, i); }),
                  text: sc.issues.map(function (i) { return "status quo " + i.status_quo + "<br>" + nearestAnchor(i, i.status_quo); }),
                  hoverinfo: "text", marker: { symbol: "triangle-down", size: 11, color: "#616e7c" } });
    Object.keys(run.models).forEach(function (m, k) {
      var x = [], y = [], text = [];
      sc.issues.forEach(function (i) {
        var e = run.models[m].issues[i.id];
        if (!e || e.forecast === null) { return; }
        x.push(pct(e.forecast, i)); y.push(i.name);
        text.push(m + " forecast: " + e.forecast.toFixed(2) + (e.anchor ? "<br>nearest: " + e.anchor.value + ": " + e.anchor.label : ""));
      });
      traces.push({ type: "scatter", mode: "markers", name: "forecast: " + m, x: x, y: y, text: text, hoverinfo: "text",
                    marker: { symbol: SYMBOLS[k % SYMBOLS.length] + "-open", size: 18, color: sc.model_colours[k % sc.model_colours.length],
                              line: { width: 2.5, color: sc.model_colours[k % sc.model_colours.length] } } });
    });
    Plotly.newPlot(el, traces, layout({
      height: 170 + 46 * names.length, margin: { l: 220, r: 20, t: 70, b: 50 },
      xaxis: { range: [-3, 103], title: { text: "% of the issue's scale" }, zeroline: false, gridcolor: "#eef0f2" },
      yaxis: { autorange: "reversed", categoryorder: "array", categoryarray: names, gridcolor: "#f3f4f6", automargin: true }
    }), CONFIG);
  }

  function roundsChart(data, model, issueId) {
    var el = document.getElementById("chart-rounds-" + model);
    if (!el) { return; }
    var sc = data.scenario, entry = data.run.models[model].issues[issueId] || {};
    var issue = sc.issues.filter(function (i) { return i.id === issueId; })[0];
    var byId = {};
    sc.actors.forEach(function (a) { byId[a.id] = a; });
    var rounds = entry.rounds || [];
    var start = {};
    (issue ? issue.stances : []).forEach(function (s) { start[s.actor] = s.position; });
    // Round 0 is where each actor starts (its stance); round r is its position after round r.
    var xs = [0].concat(rounds.map(function (_, r) { return r + 1; }));
    var traces = (entry.actors || []).map(function (actor, a) {
      var info = byId[actor] || { name: actor, colour: "#616e7c" };
      var ys = [start[actor] !== undefined ? start[actor] : null].concat(rounds.map(function (row) { return row[a]; }));
      return { type: "scatter", mode: "lines+markers", name: info.short || info.name, x: xs, y: ys,
               line: { color: info.colour, width: 2 }, marker: { size: 5 } };
    });
    if (entry.trajectory) {
      traces.push({ type: "scatter", mode: "lines", name: "forecast", x: entry.trajectory.map(function (_, r) { return r + 1; }),
                    y: entry.trajectory, line: { color: "#111827", width: 3, dash: "dash" } });
    }
    Plotly.react(el, traces, layout({
      height: 400, margin: { l: 70, r: 20, t: 40, b: 50 },
      xaxis: { title: { text: "round (0: starting positions)" }, dtick: 1, gridcolor: "#eef0f2" },
      yaxis: { title: { text: issue ? issue.name : issueId, standoff: 8 }, automargin: true,
               range: issue ? [issue.min, issue.max] : undefined, gridcolor: "#eef0f2" }
    }), CONFIG);
  }

  function uncertaintyChart(data, issueId) {
    var el = document.getElementById("chart-uncertainty");
    var unc = data.analyses.uncertainty;
    if (!el || !unc || !unc.histograms) { return; }
    var sc = data.scenario, traces = [];
    Object.keys(unc.histograms).forEach(function (m, k) {
      var h = unc.histograms[m][issueId];
      if (!h) { return; }
      var mids = h.counts.map(function (_, j) { return (h.edges[j] + h.edges[j + 1]) / 2; });
      traces.push({ type: "bar", name: m, x: mids, y: h.counts, opacity: 0.6, width: h.edges[1] - h.edges[0],
                    marker: { color: sc.model_colours[k % sc.model_colours.length] } });
    });
    var issue = sc.issues.filter(function (i) { return i.id === issueId; })[0];
    Plotly.react(el, traces, layout({
      height: 340, barmode: "overlay", margin: { l: 60, r: 20, t: 40, b: 50 },
      xaxis: { title: { text: issue ? issue.name : issueId }, range: issue ? [issue.min, issue.max] : undefined },
      yaxis: { title: { text: "draws" }, gridcolor: "#eef0f2" }
    }), CONFIG);
  }

  function sensitivityChart(data, issueId) {
    var el = document.getElementById("chart-sensitivity");
    var sens = data.analyses.sensitivity;
    if (!el || !sens || !sens.outputs) { return; }
    var out = sens.outputs[issueId];
    if (!out || !out.tornado) { Plotly.purge(el); el.textContent = out && out.error ? out.error : "No sensitivity for this issue."; return; }
    el.textContent = "";
    var bars = out.tornado.slice(0, 12), base = out.baseline;
    var labels = bars.map(function (b) { return b.label || b.name; });
    Plotly.react(el, [
      { type: "bar", orientation: "h", name: "judgement at its low end", y: labels, base: base,
        x: bars.map(function (b) { return b.low - base; }), marker: { color: "#c0392b" }, opacity: 0.8 },
      { type: "bar", orientation: "h", name: "judgement at its high end", y: labels, base: base,
        x: bars.map(function (b) { return b.high - base; }), marker: { color: "#1d4e89" }, opacity: 0.8 }
    ], layout({
      height: 120 + 28 * bars.length, barmode: "overlay", margin: { l: 220, r: 20, t: 40, b: 50 },
      yaxis: { autorange: "reversed", automargin: true },
      xaxis: { title: { text: "forecast (baseline " + (base === null ? "–" : base.toFixed(2)) + ")" }, gridcolor: "#eef0f2" },
      shapes: base === null ? [] : [{ type: "line", x0: base, x1: base, yref: "paper", y0: 0, y1: 1, line: { color: "#1f2933", width: 1 } }]
    }), CONFIG);
  }

  function zoneOf(entry) {
    if (!entry || typeof entry !== "object") { return null; }
    var z = entry.zone !== undefined ? entry.zone : entry;
    if (Array.isArray(z) && z.length === 2 && typeof z[0] === "number") { return z; }
    if (z && typeof z === "object") {
      var pairs = [["low", "high"], ["lo", "hi"], ["min", "max"], ["zone_low", "zone_high"], ["lower", "upper"], ["from", "to"]];
      for (var k = 0; k < pairs.length; k++) {
        if (typeof z[pairs[k][0]] === "number" && typeof z[pairs[k][1]] === "number") { return [z[pairs[k][0]], z[pairs[k][1]]]; }
      }
    }
    return null;
  }

  function agreementChart(data) {
    var el = document.getElementById("chart-agreement");
    var ag = data.analyses.agreement;
    if (!el || !ag) { return; }
    var perIssue = {};
    if (Array.isArray(ag.issues)) { ag.issues.forEach(function (e) { perIssue[e.issue || e.id] = e; }); }
    else if (ag.issues && typeof ag.issues === "object") { perIssue = ag.issues; }
    var sc = data.scenario, names = [], base = [], width = [], text = [], none = [];
    var marks = { nash: { x: [], y: [], t: [] }, kalai_smorodinsky: { x: [], y: [], t: [] }, sq: { x: [], y: [], t: [] } };
    sc.issues.forEach(function (i) {
      if (!(i.id in perIssue)) { return; }
      var entry = perIssue[i.id], z = zoneOf(entry);
      if (z) { names.push(i.name); base.push(pct(z[0], i)); width.push(Math.max(0.8, pct(z[1], i) - pct(z[0], i))); text.push("zone " + z[0].toFixed(1) + "–" + z[1].toFixed(1)); }
      else { none.push(i.name); }
      ["nash", "kalai_smorodinsky"].forEach(function (key) {
        if (typeof entry[key] === "number") {
          marks[key].x.push(pct(entry[key], i)); marks[key].y.push(i.name);
          marks[key].t.push(entry[key].toFixed(1) + (entry[key + "_anchor"] ? "<br>" + entry[key + "_anchor"] : ""));
        }
      });
      marks.sq.x.push(pct(i.status_quo, i)); marks.sq.y.push(i.name); marks.sq.t.push("status quo " + i.status_quo);
    });
    if (!names.length && !none.length) { el.closest("figure").hidden = true; return; }
    var traces = [{ type: "bar", orientation: "h", name: "zone of agreement", y: names, x: width, base: base, text: text,
                    hoverinfo: "text+y", textposition: "none", marker: { color: "#2e7d32" }, opacity: 0.55 }];
    traces.push({ type: "scatter", mode: "markers", name: "status quo", x: marks.sq.x, y: marks.sq.y, text: marks.sq.t,
                  hoverinfo: "text", marker: { symbol: "triangle-down", size: 11, color: "#616e7c" } });
    [["nash", "Nash bargaining solution", "diamond", "#111827"], ["kalai_smorodinsky", "Kalai–Smorodinsky point", "square", "#b45309"]]
      .forEach(function (m) {
        if (marks[m[0]].x.length) {
          traces.push({ type: "scatter", mode: "markers", name: m[1], x: marks[m[0]].x, y: marks[m[0]].y, text: marks[m[0]].t,
                        hoverinfo: "text", marker: { symbol: m[2], size: 10, color: m[3] } });
        }
      });
    if (none.length) {
      traces.push({ type: "scatter", mode: "markers+text", name: "no zone", y: none, x: none.map(function () { return 2; }),
                    text: none.map(function () { return "no zone"; }), textposition: "middle right",
                    marker: { symbol: "x", color: "#8a1c1c", size: 10 } });
    }
    var all = sc.issues.map(function (i) { return i.name; }).filter(function (n) { return names.indexOf(n) >= 0 || none.indexOf(n) >= 0; });
    Plotly.newPlot(el, traces, layout({
      height: 120 + 34 * all.length, barmode: "overlay",
      xaxis: { range: [0, 100], title: { text: "% of the issue's scale" }, gridcolor: "#eef0f2" },
      yaxis: { autorange: "reversed", automargin: true, categoryorder: "array", categoryarray: all }
    }), CONFIG);
  }

  function timelineChart(data) {
    var el = document.getElementById("chart-agreement-timeline");
    var ag = data.analyses.agreement;
    if (!el || !ag || !Array.isArray(ag.timeline) || !ag.timeline.length) { return; }
    var t = ag.timeline;
    var times = t.map(function (p) { return Date.parse(p.date); });
    var lo = Math.min.apply(null, times), hi = Math.max.apply(null, times), pad = Math.max(15 * 86400000, (hi - lo) * 0.05);
    Plotly.newPlot(el, [{
      type: "scatter", mode: "lines+markers", name: "gap", x: t.map(function (p) { return p.date; }),
      y: t.map(function (p) { return p.gap; }), text: t.map(function (p) { return p.label + (p.zone_exists ? " (zone exists)" : " (no zone)"); }),
      hoverinfo: "x+y+text", line: { color: "#1f2933", width: 1.5 },
      marker: { size: 9, color: t.map(function (p) { return p.zone_exists ? "#2e7d32" : "#8a1c1c"; }) }
    }], layout({ height: 320, margin: { l: 70, r: 20, t: 20, b: 50 }, showlegend: false,
                 yaxis: { title: { text: "gap to a zone (utility)" }, rangemode: "tozero", gridcolor: "#eef0f2" },
                 xaxis: { type: "date", gridcolor: "#eef0f2",
                          range: [new Date(lo - pad).toISOString().slice(0, 10), new Date(hi + pad).toISOString().slice(0, 10)] } }), CONFIG);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.getElementById("chart-data");
    if (!holder || typeof Plotly === "undefined") { return; }
    var data = JSON.parse(holder.textContent);
    var first = data.scenario.issues.length ? data.scenario.issues[0].id : null;
    forecastChart(data);
    document.querySelectorAll(".rounds-chart").forEach(function (el) { roundsChart(data, el.dataset.model, first); });
    uncertaintyChart(data, first);
    sensitivityChart(data, first);
    agreementChart(data);
    timelineChart(data);
    document.querySelectorAll(".issue-select").forEach(function (select) {
      select.addEventListener("change", function () {
        var chart = select.dataset.chart;
        if (chart.indexOf("rounds-") === 0) { roundsChart(data, chart.slice(7), select.value); }
        else if (chart === "uncertainty") { uncertaintyChart(data, select.value); }
        else if (chart === "sensitivity") { sensitivityChart(data, select.value); }
      });
    });
  });
})();
