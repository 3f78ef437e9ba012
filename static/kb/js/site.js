// Small enhancements; every page works without them.
(function () {
  "use strict";

  function announce(element, text) {
    element.textContent = text;
  }

  // Copy-to-clipboard on every code block.
  function addCopyButtons() {
    document.querySelectorAll("main pre").forEach(function (pre) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy this code to the clipboard");
      button.addEventListener("click", function () {
        var text = pre.querySelector("code") ? pre.querySelector("code").innerText : pre.innerText;
        var done = function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 2000);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
        } else {
          fallbackCopy(text);
          done();
        }
      });
      pre.appendChild(button);
    });
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(area);
  }

  // "Was this helpful?" without leaving the page.
  function enhanceFeedback() {
    document.querySelectorAll("form.feedback-form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.fetch || !event.submitter) { return; }
        event.preventDefault();
        var data = new FormData(form);
        data.append(event.submitter.name, event.submitter.value);
        var status = form.querySelector(".feedback-status");
        fetch(form.action, { method: "POST", body: data, headers: { Accept: "application/json" } })
          .then(function (response) {
            // 409: this browser's answer for the page is already counted.
            if (!response.ok && response.status !== 409) { throw new Error(String(response.status)); }
            form.querySelectorAll("button").forEach(function (b) { b.hidden = true; });
            announce(status, response.ok ? "Thank you: your answer helps us improve this entry."
              : "Your answer for this page is already counted. Thank you.");
          })
          .catch(function () { form.submit(); });
      });
    });
  }

  // The Diagnose form: say at once when a pasted body is over the limit.
  function checkBodySize() {
    var form = document.querySelector("form[data-max-body]");
    if (!form) { return; }
    var limit = parseInt(form.getAttribute("data-max-body"), 10);
    var message = form.querySelector(".body-size-error");
    form.addEventListener("submit", function (event) {
      var body = form.querySelector("textarea[name=body]");
      var size = new Blob([body.value]).size;
      if (size > limit) {
        event.preventDefault();
        message.hidden = false;
        announce(message, "The body is " + Math.ceil(size / 1024) + " KiB; paste at most " +
          (limit / 1024) + " KiB (the part with the error is usually at the start).");
        body.setAttribute("aria-invalid", "true");
        body.focus();
      }
    });
  }

  function enablePrint() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    addCopyButtons();
    enhanceFeedback();
    checkBodySize();
    enablePrint();
  });
})();
