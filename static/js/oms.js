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

// Portal cart: a quantity typed but not sent yet is sent before "Check out" leaves the page
// (the change is saved when the box loses focus; the checkout waits for that request). A
// quantity the box itself refuses (below zero, not a whole pack) is pointed out instead, and
// one the server refuses keeps the dealer on the cart with its message.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-action=checkout]");
  if (!link || !window.htmx) return;
  var pending = Array.prototype.filter.call(document.querySelectorAll(".cart-qty input[name=quantity]"), function (box) {
    return box.value !== box.defaultValue;
  });
  var invalid = pending.filter(function (box) { return !box.checkValidity(); });
  if (invalid.length) {
    event.preventDefault();
    invalid[0].reportValidity();
    return;
  }
  var busy = document.querySelector("#cart .htmx-request, #cart.htmx-request");
  if (!pending.length && !busy) return;
  event.preventDefault();
  document.body.addEventListener("htmx:afterSettle", function () {
    if (!document.querySelector("#cart .message-error, #cart [role=alert]")) window.location.href = link.href;
  }, { once: true });
  if (!busy) window.htmx.trigger(pending[0].form, "submit");
});
