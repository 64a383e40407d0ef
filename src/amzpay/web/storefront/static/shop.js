/* The demo storefront's side of Amazon Pay's legacy widgets (docs/checkout.md): the button on
 * the cart page; on the review page the address book and wallet widgets, whose order reference
 * id and consent token go into the "place order" form, and Amazon's address and payment
 * method, read through the shop's server. Loaded before Widgets.js, which calls the two
 * onAmazon…Ready functions once it is loaded. */
(function () {
  "use strict";
  var page = document.body.dataset;
  var SCOPE = "profile payments:widget payments:shipping_address";

  window.onAmazonLoginReady = function () { amazon.Login.setClientId(page.clientId); };

  window.onAmazonPaymentsReady = function () {
    if (document.getElementById("AmazonPayButton")) {
      OffAmazonPayments.Button("AmazonPayButton", page.sellerId, {
        type: "PwA",
        authorization: function () {
          amazon.Login.authorize({ scope: SCOPE, popup: true }, "/shop/review");
        }
      });
    }
    if (document.getElementById("addressBook")) { showWidgets(); }
  };

  function form() { return document.getElementById("place"); }

  function showWidgets() {
    var fields = form().elements;
    var known = fields.amazon_order_reference_id.value || undefined;
    new OffAmazonPayments.Widgets.AddressBook({
      sellerId: page.sellerId,
      amazonOrderReferenceId: known,
      onOrderReferenceCreate: function (reference) {
        fields.amazon_order_reference_id.value = reference.getAmazonOrderReferenceId();
        fields.consent_token.value = reference.getAddressConsentToken();
      },
      onAddressSelect: showDetails,
      onError: function (error) { say("Amazon: " + error.getErrorCode()); }
    }).bind("addressBook");
    new OffAmazonPayments.Widgets.Wallet({
      sellerId: page.sellerId,
      amazonOrderReferenceId: known,
      onPaymentSelect: showDetails,
      onError: function (error) { say("Amazon: " + error.getErrorCode()); }
    }).bind("wallet");
  }

  function showDetails() {
    var fields = form().elements;
    if (!fields.amazon_order_reference_id.value || !fields.consent_token.value) { return; }
    fetch("/shop/details", { method: "POST", body: new FormData(form()) })
      .then(function (answer) { return answer.json(); })
      .then(function (seen) {
        if (seen.error) { say(seen.error); return; }
        var address = document.getElementById("amazon-address");
        var shown = [seen.name].concat(seen.lines, [seen.postal_code + " " + seen.city, seen.country_code]);
        address.replaceChildren();
        shown.forEach(function (line) {
          var row = document.createElement("div");
          row.textContent = line;
          address.appendChild(row);
        });
        document.getElementById("amazon-payment").textContent = seen.payment || "";
        fields.place.disabled = false;
      });
  }

  function say(message) { document.getElementById("problem").textContent = message; }
})();
