// A background job's page: asks how far the job has got every second and moves the bar; once
// the job is done the page is loaded again to show its result. Without JavaScript the page
// refreshes itself (a meta refresh inside <noscript>).
(function () {
  var box = document.getElementById("job-progress");
  if (!box) { return; }
  var number = new Intl.NumberFormat("vi-VN");
  function show(name, text) {
    var el = box.querySelector('[data-field="' + name + '"]');
    if (el) { el.textContent = text; }
  }
  function poll() {
    fetch(box.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { setTimeout(poll, 3000); return; }
        if (data.finished) { window.location.reload(); return; }
        var bar = box.querySelector('[data-field="bar"]');
        bar.style.width = data.percent + "%";
        bar.textContent = data.percent + "%";
        bar.parentElement.setAttribute("aria-valuenow", data.percent);
        show("status_label", data.status_label);
        show("rows_checked", number.format(data.rows_checked));
        show("rows_written", number.format(data.rows_written));
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
}());
