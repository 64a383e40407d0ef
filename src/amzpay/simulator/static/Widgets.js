/*
 * The simulator's stand-in for Amazon Pay's Widgets.js (legacy API, "Login and Pay with
 * Amazon"): the same globals a shop's page uses, served by the simulator.
 *
 *   window.onAmazonLoginReady = function () { amazon.Login.setClientId("…"); };
 *   window.onAmazonPaymentsReady = function () {
 *     OffAmazonPayments.Button("AmazonPayButton", sellerId, {type: "PwA", authorization:
 *       function () { amazon.Login.authorize({scope: "profile payments:widget", popup: true},
 *                                            "/checkout"); }});
 *   };
 *   new OffAmazonPayments.Widgets.AddressBook({sellerId: …, onOrderReferenceCreate: fn,
 *     onAddressSelect: fn, onReady: fn, onError: fn}).bind("addressBookWidgetDiv");
 *   new OffAmazonPayments.Widgets.Wallet({sellerId: …, onPaymentSelect: fn}).bind("walletDiv");
 *
 * The sign-in page opens in a popup (or, with popup: false, replaces the page); its access
 * token, the address consent token, is kept in the cookie amazon_Login_accessToken, as
 * Amazon's script keeps it, and appended to a redirect URL as access_token=…. The widgets are
 * iframes served by the simulator; they tell this script what happened by postMessage, and
 * only messages from the simulator's origin and from the widget's own frame are believed.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var source = new URL(script.src);
  var base = source.origin + source.pathname.replace(/\/OffAmazonPayments\/.*$/, "");
  var environment = /\/sandbox\//.test(source.pathname) ? "sandbox" : "live";
  var TOKEN_COOKIE = "amazon_Login_accessToken";
  var state = { clientId: null, orderReferenceId: null, waiting: [] };

  function readToken() {
    var found = document.cookie.split("; ").filter(function (pair) {
      return pair.indexOf(TOKEN_COOKIE + "=") === 0;
    })[0];
    return found ? decodeURIComponent(found.slice(TOKEN_COOKIE.length + 1)) : "";
  }

  function keepToken(token, seconds) {
    document.cookie = TOKEN_COOKIE + "=" + encodeURIComponent(token) +
      "; path=/; max-age=" + seconds + "; SameSite=Lax";
  }

  function url(path, params) {
    var query = Object.keys(params).filter(function (key) {
      return params[key] !== undefined && params[key] !== null;
    }).map(function (key) {
      return encodeURIComponent(key) + "=" + encodeURIComponent(params[key]);
    }).join("&");
    return base + path + "?" + query;
  }

  function listen(from, handlers) {
    window.addEventListener("message", function (event) {
      if (event.origin !== source.origin || event.source !== from()) { return; }
      var handler = handlers[event.data && event.data.type];
      if (handler) { handler(event.data); }
    });
  }

  function orderReference(id) {
    return {
      getAmazonOrderReferenceId: function () { return id; },
      getAmazonBillingAgreementId: function () { return undefined; },
      getAddressConsentToken: function () { return readToken(); }
    };
  }

  function widgetError(message) {
    return {
      getErrorCode: function () { return message.code; },
      getErrorMessage: function () { return message.message; }
    };
  }

  function call(callback, argument) {
    if (typeof callback === "function") { callback(argument); }
  }

  function withOrderReference(given, then) {
    if (given) { then(given); } else if (state.orderReferenceId) {
      then(state.orderReferenceId);
    } else { state.waiting.push(then); }
  }

  function frame(elementId, path, params, options, handlers) {
    var host = document.getElementById(elementId);
    if (!host) { throw new Error("OffAmazonPayments: no element #" + elementId); }
    var size = (options.design && options.design.size) || {};
    var iframe = document.createElement("iframe");
    iframe.src = url(path, params);
    iframe.title = options.title || "Amazon Pay";
    iframe.style.width = size.width || "100%";
    iframe.style.height = size.height || "260px";
    iframe.style.border = "0";
    host.replaceChildren(iframe);
    listen(function () { return iframe.contentWindow; }, handlers);
    return iframe;
  }

  function widgetParams(options) {
    var params = { sellerId: options.sellerId, access_token: readToken(),
                   origin: window.location.origin, environment: environment };
    if (options.displayMode) { params.displayMode = options.displayMode; }
    return params;
  }

  function AddressBook(options) { this.options = options || {}; }
  AddressBook.prototype.bind = function (elementId) {
    var options = this.options;
    var params = widgetParams(options);
    if (options.amazonOrderReferenceId) {
      params.amazonOrderReferenceId = options.amazonOrderReferenceId;
      state.orderReferenceId = options.amazonOrderReferenceId;
    }
    frame(elementId, "/widgets/address-book", params, { design: options.design,
      title: "Amazon Pay address book" }, {
      orderReferenceCreate: function (message) {
        state.orderReferenceId = message.amazonOrderReferenceId;
        call(options.onOrderReferenceCreate, orderReference(state.orderReferenceId));
        state.waiting.splice(0).forEach(function (then) { then(state.orderReferenceId); });
      },
      addressSelect: function (message) {
        call(options.onAddressSelect, orderReference(message.amazonOrderReferenceId));
      },
      ready: function () { call(options.onReady, orderReference(state.orderReferenceId)); },
      error: function (message) { call(options.onError, widgetError(message)); }
    });
  };

  function Wallet(options) { this.options = options || {}; }
  Wallet.prototype.bind = function (elementId) {
    var options = this.options;
    withOrderReference(options.amazonOrderReferenceId, function (id) {
      var params = widgetParams(options);
      params.amazonOrderReferenceId = id;
      frame(elementId, "/widgets/wallet", params, { design: options.design,
        title: "Amazon Pay wallet" }, {
        paymentSelect: function (message) {
          call(options.onPaymentSelect, orderReference(message.amazonOrderReferenceId));
        },
        ready: function () { call(options.onReady, orderReference(id)); },
        error: function (message) { call(options.onError, widgetError(message)); }
      });
    });
  };

  var LABELS = { PwA: "Pay with Amazon", Pay: "Pay", A: "Amazon Pay" };

  function Button(elementId, sellerId, options) {
    options = options || {};
    var host = document.getElementById(elementId);
    if (!host) {
      call(options.onError, widgetError({ code: "InvalidParameterValue",
        message: "no element #" + elementId }));
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "amazonpay-button";
    button.dataset.sellerId = sellerId;
    button.textContent = LABELS[options.type] || LABELS.PwA;
    button.style.cssText = "background:#f0c14b;border:1px solid #a88734;border-radius:3px;" +
      "padding:6px 16px;font:bold 14px sans-serif;cursor:pointer;color:#111";
    if (options.color === "DarkGray") { button.style.background = "#5b5b5b"; button.style.color = "#fff"; }
    if (options.color === "LightGray") { button.style.background = "#e7e9ec"; }
    button.addEventListener("click", function () { call(options.authorization); });
    host.replaceChildren(button);
  }

  function authorize(options, next) {
    options = options || {};
    var params = { client_id: state.clientId, response_type: "token",
                   scope: options.scope || "profile payments:widget payments:shipping_address" };
    if (options.popup === false) {
      params.redirect_uri = new URL(next, window.location.href).href;
      window.location.assign(url("/ap/signin", params));
      return;
    }
    params.origin = window.location.origin;
    var popup = window.open(url("/ap/signin", params), "amazonloginpopup",
                            "width=480,height=640");
    listen(function () { return popup; }, {
      login: function (answer) {
        keepToken(answer.access_token, Number(answer.expires_in));
        if (typeof next === "function") {
          next({ status: "complete", access_token: answer.access_token,
                 token_type: answer.token_type, expires_in: Number(answer.expires_in),
                 scope: answer.scope });
        } else if (next) {
          var target = new URL(next, window.location.href);
          ["access_token", "token_type", "expires_in", "scope"].forEach(function (key) {
            target.searchParams.set(key, answer[key]);
          });
          window.location.assign(target.href);
        }
      }
    });
  }

  // Back from a sign-in without popup: the token arrived in the page's own URL.
  var arrived = new URL(window.location.href).searchParams;
  if (arrived.get("access_token")) {
    keepToken(arrived.get("access_token"), Number(arrived.get("expires_in") || 3600));
  }

  window.amazon = window.amazon || {};
  window.amazon.Login = {
    setClientId: function (clientId) { state.clientId = clientId; },
    setSandboxMode: function () {},
    setUseCookie: function () {},
    authorize: authorize,
    logout: function () {
      document.cookie = TOKEN_COOKIE + "=; path=/; max-age=0";
      state.orderReferenceId = null;
    }
  };
  window.OffAmazonPayments = {
    Button: Button,
    Widgets: { AddressBook: AddressBook, Wallet: Wallet }
  };

  function ready() {
    call(window.onAmazonLoginReady);
    call(window.onAmazonPaymentsReady);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else { ready(); }
})();
