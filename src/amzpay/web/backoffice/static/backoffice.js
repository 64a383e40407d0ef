/* The back office's own script: a bundle's box ticks its items, and is ticked when they all
   are. It listens in the capture phase, so the items are ticked before htmx asks for the
   refund preview on the same change. */
(function () {
  "use strict";

  function items(bundle) {
    return document.querySelectorAll('input[data-bundle-item="' + bundle + '"]:not(:disabled)');
  }

  function sync(bundle) {
    var box = document.querySelector('input[data-bundle="' + bundle + '"]');
    var all = items(bundle);
    if (!box || all.length === 0) { return; }
    var ticked = Array.prototype.filter.call(all, function (item) { return item.checked; });
    box.checked = ticked.length === all.length;
    box.indeterminate = ticked.length > 0 && ticked.length < all.length;
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement)) { return; }
    if (target.dataset.bundle) {
      items(target.dataset.bundle).forEach(function (item) { item.checked = target.checked; });
    } else if (target.dataset.bundleItem) {
      sync(target.dataset.bundleItem);
    }
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-bundle]").forEach(function (box) {
      sync(box.dataset.bundle);
    });
  });
})();
