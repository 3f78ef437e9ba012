// A rendered preview under each markdown field of the entry editor, refreshed as the
// editor types (sanitised on the server, as the public page renders it).
(function () {
  "use strict";
  const MARKDOWN = /(^|-)(meaning|symptoms|retry_notes|text|body|tip|answer)$/;
  const endpoint = document.currentScript && document.currentScript.dataset.endpoint;

  function csrf() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function attach(textarea) {
    if (textarea.dataset.kbPreview || !MARKDOWN.test(textarea.name)) return;
    textarea.dataset.kbPreview = "1";
    const pane = document.createElement("div");
    pane.className = "kb-md-preview";
    pane.setAttribute("aria-live", "polite");
    textarea.insertAdjacentElement("afterend", pane);
    let timer = null;
    const render = () => {
      const body = new URLSearchParams({ text: textarea.value });
      fetch(window.KB_PREVIEW_URL, {
        method: "POST", body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrf() },
      }).then((r) => (r.ok ? r.json() : { html: "" }))
        .then((data) => { pane.innerHTML = data.html; })
        .catch(() => {});
    };
    textarea.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(render, 400);
    });
    if (textarea.value.trim()) render();
  }

  function scan() {
    document.querySelectorAll("#errorcode_form textarea").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("errorcode_form");
    if (!form) return;
    window.KB_PREVIEW_URL = form.dataset.previewUrl || endpoint || "../preview-markdown/";
    scan();
    document.addEventListener("formset:added", scan);
  });
})();
