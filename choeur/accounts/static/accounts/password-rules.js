/* Shows, while typing, which rules of the password policy are met (the server checks again). */
(function () {
  "use strict";
  var input = document.querySelector("input[data-password-rules]");
  var rules = document.getElementById("password-rules");
  if (!input || !rules) { return; }
  var confirm = input.form ? input.form.querySelector("input[name$='password2']") : null;
  function mark(name, ok) {
    var item = rules.querySelector("[data-rule='" + name + "']");
    if (!item) { return; }
    item.classList.toggle("fr-message--valid", ok);
    item.classList.toggle("fr-message--info", !ok);
  }
  function update() {
    var value = input.value;
    var kinds = [/[0-9]/, /[A-ZÀ-Ý]/, /[a-zß-ÿ]/, /[^0-9A-Za-zÀ-ÿ]/].filter(function (re) {
      return re.test(value);
    }).length;
    mark("length", value.length >= 8);
    mark("kinds", kinds >= 3);
    mark("match", !!confirm && value.length > 0 && confirm.value === value);
  }
  input.addEventListener("input", update);
  if (confirm) { confirm.addEventListener("input", update); }
  update();
})();
