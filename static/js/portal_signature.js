// Delivery sign-off: draw a signature on the canvas; on submit it is sent as a PNG data URL
// in the hidden field (the server checks type and size). Kept out of the HTML for the CSP.
(function () {
  function setUp(form) {
    var canvas = form.querySelector("canvas[data-signature-pad]");
    var input = form.querySelector("[data-signature-input]");
    if (!canvas || !input) return;
    var ctx = canvas.getContext("2d");
    var drawing = false, drawn = false, last = null;

    function resize() {
      // draw in device pixels at the canvas's displayed size, so strokes follow the finger
      var ratio = window.devicePixelRatio || 1;
      var width = canvas.clientWidth || 600, height = canvas.clientHeight || 180;
      canvas.width = Math.min(Math.round(width * ratio), 1600);
      canvas.height = Math.min(Math.round(height * ratio), 600);
      ctx.setTransform(canvas.width / width, 0, 0, canvas.height / height, 0, 0);
      ctx.lineWidth = 2.2;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
      drawn = false;
      input.value = "";
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    }

    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      last = point(event);
      canvas.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = point(event);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
      drawn = true;
      event.preventDefault();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });

    var clear = form.querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        drawn = false;
        input.value = "";
      });
    }

    form.addEventListener("submit", function () {
      input.value = drawn ? canvas.toDataURL("image/png") : "";
    });

    resize();
  }

  function init() {
    document.querySelectorAll("form[data-signature-form]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
