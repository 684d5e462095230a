// Live totals of the saisie form, for comfort only: the server computes the invoice again
// (Decimal, EN 16931 rounding) and its figures are the ones deposited.
(function () {
  "use strict";
  var form = document.getElementById("saisie-form");
  var output = document.getElementById("live-totals");
  if (!form || !output) { return; }
  function num(value) {
    var n = parseFloat(String(value || "").replace(/\s/g, "").replace(",", "."));
    return isNaN(n) ? null : n;
  }
  function cents(n) { return Math.round((n + Number.EPSILON) * 100) / 100; }
  function euros(n) { return n.toLocaleString("fr-FR", { minimumFractionDigits: 2, maximumFractionDigits: 2 }); }
  function update() {
    var total = parseInt((form.querySelector("[name=lines-TOTAL_FORMS]") || {}).value || "0", 10);
    var regime = (form.querySelector("[name=tva_regime]") || {}).value;
    var ht = 0, tva = 0, bases = {};
    for (var i = 0; i < total; i++) {
      var q = num((form.querySelector("[name=lines-" + i + "-quantity]") || {}).value);
      var p = num((form.querySelector("[name=lines-" + i + "-unit_price]") || {}).value);
      var d = num((form.querySelector("[name=lines-" + i + "-discount]") || {}).value) || 0;
      var r = num((form.querySelector("[name=lines-" + i + "-vat_rate]") || {}).value) || 0;
      var del = form.querySelector("[name=lines-" + i + "-DELETE]");
      if (q === null || p === null || (del && del.checked)) { continue; }
      var net = cents(cents(q * p) - d);
      if (regime === "EXONERATION" || regime === "SANS_TVA") { r = 0; }
      bases[r] = (bases[r] || 0) + net;
      ht += net;
    }
    Object.keys(bases).forEach(function (rate) { tva += cents(cents(bases[rate]) * rate / 100); });
    output.textContent = "Estimation : " + euros(cents(ht)) + " € HT, " + euros(cents(tva)) +
      " € de TVA, " + euros(cents(ht + tva)) + " € TTC. Le montant définitif est calculé par la plateforme.";
  }
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
