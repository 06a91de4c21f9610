// Figures and dates typed the Vietnamese way. The server reads "30.000.000" and "30 000 000"
// alike (models_registry/parsing.py); this only shows the grouping while typing, a readable
// amount under money boxes, and the slashes of a dd/mm/yyyy date.
(function () {
  var lang = document.documentElement.lang === "en" ? "en" : "vi";
  var WORDS = {
    vi: { billion: "tỷ", million: "triệu", thousand: "nghìn", unit: "đồng", sep: " " },
    en: { billion: "billion", million: "million", thousand: "thousand", unit: "đồng", sep: " " },
  };

  function digitsOf(text) { return text.replace(/[.\s\u00a0]/g, ""); }

  function group(digits) { return digits.replace(/\B(?=(\d{3})+(?!\d))/g, "."); }

  // 30000000 → "30 triệu đồng"; 1250000000 → "1 tỷ 250 triệu đồng"; exact down to the thousand.
  function spoken(number) {
    var w = WORDS[lang];
    if (number === 0) return "0 " + w.unit;
    var parts = [];
    var steps = [[1e9, w.billion], [1e6, w.million], [1e3, w.thousand]];
    var rest = number;
    steps.forEach(function (step) {
      var count = Math.floor(rest / step[0]);
      if (count) { parts.push(group(String(count)) + " " + step[1]); rest -= count * step[0]; }
    });
    if (rest) parts.push(String(rest));
    return parts.join(w.sep) + " " + w.unit;
  }

  function regroup(input) {
    var text = input.value;
    // Anything but digits, dots and spaces (such as "30,5") is left as typed for the server to explain.
    if (!/^[\d.\s\u00a0]*$/.test(text)) return;
    var digits = digitsOf(text);
    if (!digits) return;
    var fromEnd = text.length - input.selectionEnd;
    input.value = group(digits.replace(/^0+(?=\d)/, ""));
    if (document.activeElement === input) {
      var at = Math.max(input.value.length - fromEnd, 0);
      input.setSelectionRange(at, at);
    }
  }

  function preview(input, box) {
    var digits = digitsOf(input.value);
    box.textContent = /^\d{1,16}$/.test(digits) ? spoken(Number(digits)) : "";
  }

  document.querySelectorAll("input[data-grouped]").forEach(function (input) {
    var box = null;
    if (input.hasAttribute("data-money")) {
      box = document.createElement("div");
      box.className = "form-text money-preview";
      box.setAttribute("aria-live", "polite");
      (input.closest(".input-group") || input).insertAdjacentElement("afterend", box);
      preview(input, box);
    }
    input.addEventListener("input", function () { regroup(input); if (box) preview(input, box); });
    input.addEventListener("blur", function () { regroup(input); });
  });

  // dd/mm/yyyy: "01122026" becomes "01/12/2026" when the box is left.
  document.querySelectorAll("input[data-date]").forEach(function (input) {
    input.addEventListener("blur", function () {
      var digits = input.value.trim();
      if (/^\d{8}$/.test(digits)) input.value = digits.slice(0, 2) + "/" + digits.slice(2, 4) + "/" + digits.slice(4);
    });
  });
})();
