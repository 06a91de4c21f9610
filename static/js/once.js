// A second click on an action button while the first request is under way does nothing
// (the server also acts once; this just saves the round trip).
document.querySelectorAll("form.js-once").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
  });
});
