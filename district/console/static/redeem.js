// The partner's camera reads a voucher's QR code (jsQR, vendored) and sends the token to the
// check form: no inline script (the console's CSP allows only its own files).
(function () {
  "use strict";
  function start() {
    var button = document.getElementById("start-camera");
    if (!button) { return; }
    var video = document.getElementById("camera");
    var canvas = document.getElementById("frame");
    var state = document.getElementById("camera-state");
    var form = document.getElementById("scan-form");
    var field = document.getElementById("scanned-token");
    var stream = null;

    function stop() {
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    }

    function look() {
      if (!stream) { return; }
      if (video.readyState >= 2 && video.videoWidth > 0) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        var ctx = canvas.getContext("2d", { willReadFrequently: true });
        ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = ctx.getImageData(0, 0, canvas.width, canvas.height);
        var found = window.jsQR(image.data, image.width, image.height,
                                { inversionAttempts: "dontInvert" });
        if (found && found.data && found.data.indexOf("V1.") === 0) {
          stop();
          field.value = found.data;
          form.submit();
          return;
        }
      }
      window.requestAnimationFrame(look);
    }

    button.addEventListener("click", function () {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        state.textContent = state.dataset.noCamera;
        return;
      }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (s) {
          stream = s;
          video.srcObject = s;
          video.hidden = false;
          state.textContent = state.dataset.looking;
          return video.play();
        })
        .then(look)
        .catch(function () { state.textContent = state.dataset.noCamera; });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
