// "Select all" in the queue ticks every row shown.
(function () {
  var all = document.getElementById("chon-het");
  if (!all) return;
  var boxes = document.querySelectorAll('#queue-form input[name="chon"]');
  all.addEventListener("change", function () { boxes.forEach(function (box) { box.checked = all.checked; }); });
})();
