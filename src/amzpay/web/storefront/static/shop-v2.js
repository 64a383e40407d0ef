/* The demo storefront's side of Amazon Pay API v2 (docs/checkout.md, "API v2"): the cart
 * page's button, drawn by Amazon's checkout.js with the settings and the signed payload the
 * shop's server got from amzpay (POST /api/v1/checkout/v2/button), handed over unchanged. */
(function () {
  "use strict";
  var config = document.getElementById("amazon-pay-v2");
  if (config && window.amazon && window.amazon.Pay) {
    window.amazon.Pay.renderButton("#AmazonPayButtonV2", JSON.parse(config.textContent));
  }
})();
