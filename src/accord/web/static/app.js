// Progressive enhancement for the workbench; every page works without it.
(function () {
  "use strict";

  function showTab(name) {
    document.querySelectorAll("[data-panel]").forEach(function (p) { p.hidden = p.dataset.panel !== name; });
    document.querySelectorAll("[data-tab]").forEach(function (t) {
      if (t.dataset.tab === name) { t.setAttribute("aria-selected", "true"); } else { t.removeAttribute("aria-selected"); }
    });
  }

  function setupTabs() {
    document.querySelectorAll("[data-tab]").forEach(function (tab) {
      tab.addEventListener("click", function (event) {
        event.preventDefault();
        showTab(tab.dataset.tab);
        var url = new URL(window.location.href);
        url.searchParams.set("tab", tab.dataset.tab);
        window.history.replaceState(null, "", url.toString());
      });
    });
  }

  function nextIndex(section) {
    var max = -1;
    document.querySelectorAll('.rows fieldset[data-section="' + section + '"]').forEach(function (row) {
      max = Math.max(max, parseInt(row.dataset.index, 10));
    });
    return max + 1;
  }

  function setupRows() {
    document.querySelectorAll(".add-row").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var section = button.dataset.section;
        var template = document.getElementById("row-template-" + section);
        var index = nextIndex(section);
        var html = template.innerHTML.split("999999").join(String(index));
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var row = holder.firstElementChild;
        var number = row.querySelector(".row-no");
        if (number) { number.textContent = String(index + 1); }
        button.parentElement.querySelector(".rows").appendChild(row);
        var first = row.querySelector("input[type=text], textarea, select");
        if (first) { first.focus(); }
      });
    });
    document.addEventListener("change", function (event) {
      var box = event.target;
      if (box.matches && box.matches('input[type=checkbox][name$="._delete"]')) {
        box.closest("fieldset").classList.toggle("removed", box.checked);
      }
    });
  }

  function gotoLine(textarea, line) {
    var lines = textarea.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
    var end = start + (lines[line - 1] || "").length;
    textarea.focus();
    textarea.setSelectionRange(start, end);
    var lineHeight = parseFloat(window.getComputedStyle(textarea).lineHeight) || 18;
    textarea.scrollTop = Math.max(0, (line - 5) * lineHeight);
  }

  function setupYaml() {
    var editor = document.getElementById("yaml-editor");
    if (!editor) { return; }
    document.querySelectorAll(".goto-line").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        gotoLine(editor, parseInt(link.dataset.line, 10));
      });
    });
    editor.addEventListener("keydown", function (event) {
      if (event.key === "Tab" && !event.shiftKey && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        var s = editor.selectionStart;
        editor.setRangeText("  ", s, editor.selectionEnd, "end");
      }
    });
    var first = (editor.dataset.problemLines || "").split(",").filter(Boolean)[0];
    if (first) { gotoLine(editor, parseInt(first, 10)); }
    keepDraft(editor);
  }

  function keepDraft(editor) {
    var form = editor.form;
    var key = "accord-draft:" + form.getAttribute("action");
    var limit = parseInt(form.dataset.maxBytes || "0", 10);
    if (form.dataset.restoreDraft !== undefined) {
      try {
        var kept = window.sessionStorage.getItem(key);
        if (kept !== null) { editor.value = kept; }
      } catch (err) { /* storage unavailable: the text cannot be restored */ }
    }
    form.addEventListener("submit", function (event) {
      var size = new TextEncoder().encode(editor.value).length;
      if (limit && size > limit) {
        event.preventDefault();
        var note = document.getElementById("yaml-size-error");
        note.textContent = "This text is " + (size / 1048576).toFixed(1) + " MiB, larger than the " +
          (limit / 1048576) + " MiB a request may carry; it was not sent and is still in the editor.";
        note.hidden = false;
        return;
      }
      try { window.sessionStorage.setItem(key, editor.value); } catch (err) { /* too large to keep */ }
    });
  }

  function newJob() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "job-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  function describe(entry) {
    if (!entry.total || entry.total <= 1) { return entry.step + "…"; }
    return entry.step + ": " + entry.done.toLocaleString("en") + " of " + entry.total.toLocaleString("en");
  }

  function followProgress(form) {
    var box = document.getElementById("run-progress");
    var field = form.querySelector('input[name="job"]');
    if (!box || !field) { return null; }
    var job = newJob();
    field.value = job;
    var stopped = false;
    var inFlight = Promise.resolve();
    var bar = box.querySelector("progress");
    var text = box.querySelector(".step");
    function poll() {
      if (stopped) { return; }
      inFlight = fetch(form.dataset.progress + encodeURIComponent(job), { cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (entry) {
          if (entry && entry.step && !stopped) {
            box.hidden = false;
            text.textContent = describe(entry);
            bar.max = Math.max(entry.total, 1);
            bar.value = Math.min(entry.done, bar.max);
            if (entry.finished) { stopped = true; }
          }
          if (!stopped) { window.setTimeout(poll, 300); }
        })
        .catch(function () { if (!stopped) { window.setTimeout(poll, 1000); } });
    }
    window.setTimeout(poll, 200);
    // Stop polling; the promise settles once no request of this page is under way.
    return function () {
      stopped = true;
      return inFlight.catch(function () { return null; });
    };
  }

  // A run posted in the background, so that the page stays live to show its progress; the
  // answer replaces the page as a plain form post would (the run page, or the form with errors).
  function submitInBackground(form, stop) {
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) {
          return stop().then(function () {
            if (response.redirected) {
              window.location.assign(response.url);
            } else {
              document.open();
              document.write(html);
              document.close();
            }
          });
        });
      })
      .catch(function () { stop().then(function () { form.submit(); }); });
  }

  function setupBusy() {
    document.querySelectorAll("form[data-busy]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var button = form.querySelector("button[type=submit]");
        var stop = form.dataset.progress && window.fetch && window.FormData ? followProgress(form) : null;
        if (stop) {
          event.preventDefault();
          submitInBackground(form, stop);
        }
        if (button) {
          window.setTimeout(function () { button.disabled = true; button.textContent = form.dataset.busy; }, 0);
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupTabs();
    setupRows();
    setupYaml();
    setupBusy();
    var invalid = document.querySelector(".field.invalid input, .field.invalid textarea, .field.invalid select");
    if (invalid) { invalid.scrollIntoView({ block: "center" }); }
  });
})();
