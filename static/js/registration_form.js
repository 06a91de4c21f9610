// Show the person fields only for an individual exemplar.
(function () {
  var kind = document.getElementById("id_exemplar_kind");
  var person = document.querySelector(".person-fields");
  if (!kind || !person) return;
  function sync() { person.hidden = kind.value !== "individual"; }
  kind.addEventListener("change", sync);
  sync();
})();
