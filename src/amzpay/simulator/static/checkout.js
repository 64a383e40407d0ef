/* The simulator's stand-in for Amazon Pay's checkout.js (API v2): amazon.Pay.renderButton
 * draws the button in the shop's container; pressing it sends the signed button payload
 * (createCheckoutSessionConfig: payloadJSON, signature, publicKeyId, algorithm) to Amazon's
 * pages, which check the signature, make the checkout session and let the buyer sign in. The
 * whole page goes there, as Amazon's button does, and comes back to the shop's
 * checkoutReviewReturnUrl. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script.src.replace(/\/checkout\.js(\?.*)?$/, "");

  function field(form, name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value === undefined || value === null ? "" : String(value);
    form.appendChild(input);
  }

  function press(options) {
    var config = options.createCheckoutSessionConfig || {};
    var form = document.createElement("form");
    form.method = "post";
    form.action = base + "/checkout/v2/start";
    field(form, "merchantId", options.merchantId);
    field(form, "ledgerCurrency", options.ledgerCurrency);
    field(form, "sandbox", options.sandbox === false ? "false" : "true");
    field(form, "payloadJSON", config.payloadJSON);
    field(form, "signature", config.signature);
    field(form, "publicKeyId", config.publicKeyId);
    field(form, "algorithm", config.algorithm);
    document.body.appendChild(form);
    form.submit();
  }

  window.amazon = window.amazon || {};
  window.amazon.Pay = {
    renderButton: function (selector, options) {
      var container = document.querySelector(selector);
      if (!container) { throw new Error("amazon.Pay.renderButton: no element " + selector); }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "amazonpay-button";
      button.setAttribute("data-amazon-pay", "v2");
      button.textContent = "Amazon Pay";
      button.addEventListener("click", function () { press(options); });
      container.replaceChildren(button);
    }
  };
})();
