// Order entry and edit pages (the customer picker and the SKU autocomplete of each line) and
// the order queue's customer filter.
// htmx fetches the options into the box the input's hx-target names; this file makes them
// usable with the keyboard (arrow keys, Enter, Escape) and the mouse, and fills the input
// when one is picked. Inputs opt in with data-ac-input; options are [role=option] with
// data-ac-value (the text for the input) and, for the customer, data-ac-id (the id for the
// hidden input named by the input's data-ac-hidden). Kept out of the HTML for the CSP.
(function () {
  "use strict";

  function box(input) {
    var target = input.getAttribute("hx-target");
    return target ? document.querySelector(target) : null;
  }

  function options(input) {
    var results = box(input);
    return results ? Array.prototype.slice.call(results.querySelectorAll('[role="option"]')) : [];
  }

  function activeIndex(input) {
    return options(input).findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
  }

  function setActive(input, index) {
    var opts = options(input);
    opts.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
    if (index >= 0 && opts[index]) {
      input.setAttribute("aria-activedescendant", opts[index].id);
      opts[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close(input) {
    var results = box(input);
    if (results) results.innerHTML = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function pick(input, option) {
    if (window.htmx) window.htmx.trigger(input, "htmx:abort"); // a late answer must not reopen the list
    input.value = option.dataset.acValue;
    var hidden = input.dataset.acHidden ? document.querySelector(input.dataset.acHidden) : null;
    if (hidden) {
      hidden.value = option.dataset.acId || "";
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
    close(input);
    input.dispatchEvent(new CustomEvent("picked", { bubbles: true }));
    var row = input.closest("tr");
    var next = input.dataset.acNext && row ? row.querySelector(input.dataset.acNext) : null;
    (next || input).focus();
  }

  function inputFor(results) {
    if (!results || !results.id) return null;
    return document.querySelector('[data-ac-input][hx-target="#' + results.id + '"]');
  }

  // New options arrived: say whether the list is open and make its first option the active one
  // (Enter then takes the best match).
  document.addEventListener("htmx:afterSwap", function (event) {
    var input = inputFor(event.detail.target);
    if (!input) return;
    var count = options(input).length;
    input.setAttribute("aria-expanded", count ? "true" : "false");
    setActive(input, count ? 0 : -1);
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target.closest && event.target.closest("[data-ac-input]");
    if (!input) return;
    var opts = options(input);
    var index = activeIndex(input);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!opts.length) return;
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      setActive(input, Math.min(Math.max(index + step, 0), opts.length - 1));
    } else if (event.key === "Enter") {
      event.preventDefault(); // never send the whole order from a search box
      if (index >= 0 && opts[index]) pick(input, opts[index]);
    } else if (event.key === "Escape" && opts.length) {
      event.preventDefault();
      close(input);
    }
  });

  // mousedown, not click: the input keeps the focus, so the list is not closed under the pointer.
  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest('.ac-results [role="option"]');
    if (!option) return;
    var input = inputFor(option.closest(".ac-results"));
    if (!input) return;
    event.preventDefault();
    pick(input, option);
  });

  // Typing again in the customer box forgets the customer picked before.
  document.addEventListener("input", function (event) {
    var input = event.target.closest && event.target.closest("[data-ac-input][data-ac-hidden]");
    if (!input) return;
    var hidden = document.querySelector(input.dataset.acHidden);
    if (hidden && hidden.value) {
      hidden.value = "";
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  document.addEventListener("focusout", function (event) {
    var input = event.target.closest && event.target.closest("[data-ac-input]");
    if (input && options(input).length) close(input);
  });
})();
