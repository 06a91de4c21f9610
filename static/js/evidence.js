// Ticking "show on the public page" for a photo brings up the consent reminder.
(function () {
  var box = document.getElementById("id_is_public");
  var reminder = document.querySelector(".consent-reminder");
  if (!box || !reminder) return;
  function sync() { reminder.hidden = !box.checked; }
  box.addEventListener("change", sync);
  sync();
})();
