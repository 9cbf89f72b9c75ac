// A little help where the pages work without it too: dropping files onto the
// upload field, and a live progress bar (server-sent events) while reports are made.
"use strict";
document.querySelectorAll("[data-drop]").forEach(function (zone) {
  var input = document.getElementById(zone.dataset.drop);
  ["dragenter", "dragover"].forEach(function (kind) {
    zone.addEventListener(kind, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (kind) {
    zone.addEventListener(kind, function () { zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files.length) {
      input.files = e.dataTransfer.files;
      input.form.requestSubmit();
    }
  });
});
var box = document.getElementById("voortgang");
if (box && box.dataset.stream && window.EventSource) {
  var bar = document.getElementById("balk");
  var label = document.getElementById("balk-label");
  var count = document.getElementById("teller");
  var stream = new EventSource(box.dataset.stream);
  stream.addEventListener("voortgang", function (e) {
    var p = JSON.parse(e.data);
    bar.max = Math.max(p.totaal, 1);
    bar.value = p.klaar;
    bar.textContent = p.klaar + " van " + p.totaal;
    label.textContent = p.status;
    count.textContent = p.klaar + " van " + p.totaal + " " + (box.dataset.unit || "rapporten");
  });
  stream.addEventListener("klaar", function () {
    stream.close();
    window.location.reload();
  });
  stream.onerror = function () { stream.close(); setTimeout(function () { window.location.reload(); }, 2000); };
}
// The live meeting's board: the room's counts and results as they come in
// (server-sent events say something changed; the fragment is the page's own).
var stand = document.getElementById("stand");
if (stand && stand.dataset.stream && window.EventSource) {
  var busy = false;
  var events = new EventSource(stand.dataset.stream);
  events.addEventListener("stand", function () {
    if (busy) { return; }
    busy = true;
    fetch(stand.dataset.fragment, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        // Not while someone is on the show/hide button: keep their focus.
        if (html !== null && !stand.contains(document.activeElement)) { stand.innerHTML = html; }
      })
      .finally(function () { busy = false; });
  });
}
// A participant's PDF: say it is being made while the browser waits for it.
var pdf = document.getElementById("pdf");
if (pdf && pdf.dataset.wait) {
  pdf.addEventListener("click", function () {
    var status = document.getElementById("pdf-status");
    if (status) { status.textContent = pdf.dataset.wait; }
    setTimeout(function () { if (status) { status.textContent = ""; } }, 15000);
  });
}
// The app started from the menu stops once none of its pages is open: this
// page says it is, for as long as it is shown.
if (document.body.dataset.leeft && window.EventSource) {
  new EventSource(document.body.dataset.leeft);
}
