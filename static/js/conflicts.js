// On an edit conflict, one click puts the other person's value (or back the user's own) into the field.
(function () {
  function put(name, value) {
    var input = document.querySelector('[name="' + name + '"]');
    if (!input) return;
    if (input.type === "checkbox") input.checked = value === "1" || value === "True";
    else input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
  document.querySelectorAll(".js-keep-theirs, .js-keep-mine").forEach(function (button) {
    button.addEventListener("click", function () {
      var row = button.closest("tr");
      put(button.dataset.field, button.dataset.value);
      row.querySelector(".js-keep-theirs").hidden = button.classList.contains("js-keep-theirs");
      row.querySelector(".js-keep-mine").hidden = button.classList.contains("js-keep-mine");
      row.classList.toggle("table-success", button.classList.contains("js-keep-theirs"));
    });
  });
})();
