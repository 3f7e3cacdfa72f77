// Small behaviours, kept out of the HTML so the Content-Security-Policy can forbid inline script.
document.addEventListener("change", function (event) {
  var form = event.target.closest("form[data-autosubmit]");
  if (form) form.submit();
});

// Packing screen: after each scan the line table is swapped; put the cursor back in the scan box.
document.addEventListener("htmx:afterSettle", function () {
  var input = document.querySelector("[data-scan-input]");
  if (input) input.focus();
});

// A "select all" checkbox ticks every checkbox of that name in its form (fulfilment waves).
document.addEventListener("change", function (event) {
  var all = event.target.closest("input[data-select-all]");
  if (!all || !all.form) return;
  all.form.querySelectorAll('input[type=checkbox][name="' + all.dataset.selectAll + '"]').forEach(function (box) {
    box.checked = all.checked;
  });
});

// A form with data-confirm asks before it is sent (deleting something); without JavaScript it is sent as is.
document.addEventListener("submit", function (event) {
  var form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
