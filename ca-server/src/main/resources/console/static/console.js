// Habilis RA console: the only script, served from the jar (the CSP forbids inline script).
// Forms marked data-confirm ask before posting (approve, revoke).
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
