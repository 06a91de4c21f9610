// "Select all" in the queue ticks every row shown.
(function () {
  var all = document.getElementById("chon-het");
  if (!all) return;
  // The boxes belong to the bulk form by its id (form="queue-form"), outside the form element.
  var boxes = document.querySelectorAll('input[name="chon"][form="queue-form"]');
  all.addEventListener("change", function () { boxes.forEach(function (box) { box.checked = all.checked; }); });
})();
