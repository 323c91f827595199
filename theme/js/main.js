/* Hubshop theme: loads Shopify's Buy Button SDK once, lazily, for every embed on the page.
 *
 * Embeds are elements with data-shopify-embed="product|collection". Each holds a
 * slot (data-shopify-slot) whose size the CSS reserves, and a fallback that sells
 * without the SDK (a cart link, or a product list). The SDK is fetched once, for
 * the embeds within 300px of the viewport, as soon as the shopper uses the page
 * (pointer, touch, key, wheel or scroll) or focuses an embed, so a page that is
 * only loaded never pays for 350 KB of script; embeds scrolled near later mount
 * as they arrive. If the SDK cannot load, the fallbacks stay and still sell.
 */
(function () {
  'use strict';

  var SDK_URL = 'https://sdks.shopifycdn.com/buy-button/latest/buy-button-storefront.min.js';
  var sdkPromise = null;
  var uiPromises = {};

  function loadSdk() {
    if (sdkPromise) {
      return sdkPromise;
    }
    sdkPromise = new Promise(function (resolve, reject) {
      if (window.ShopifyBuy && window.ShopifyBuy.UI) {
        resolve(window.ShopifyBuy);
        return;
      }
      var script = document.createElement('script');
      script.src = SDK_URL;
      script.async = true;
      script.onload = function () {
        if (window.ShopifyBuy && window.ShopifyBuy.UI) {
          resolve(window.ShopifyBuy);
        } else {
          reject(new Error('Shopify Buy Button SDK loaded without ShopifyBuy.UI'));
        }
      };
      script.onerror = function () {
        reject(new Error('Shopify Buy Button SDK could not be loaded'));
      };
      document.head.appendChild(script);
    });
    return sdkPromise;
  }

  function uiFor(shop, token) {
    var key = shop + '|' + token;
    if (!uiPromises[key]) {
      uiPromises[key] = loadSdk().then(function (ShopifyBuy) {
        var client = ShopifyBuy.buildClient({ domain: shop, storefrontAccessToken: token });
        if (typeof ShopifyBuy.UI.onReady === 'function') {
          return ShopifyBuy.UI.onReady(client);
        }
        return ShopifyBuy.UI.init(client);
      });
    }
    return uiPromises[key];
  }

  function componentOptions(embed) {
    var data = embed.dataset;
    var product = {
      buttonDestination: data.cart === 'checkout' ? 'checkout' : 'cart',
      layout: data.layout === 'horizontal' ? 'horizontal' : 'vertical',
      contents: { img: false, imgWithCarousel: false, title: false, price: false, options: true, button: true },
      text: { button: data.buttonText || 'Add to cart' },
      width: '100%'
    };
    if (data.shopifyEmbed === 'collection') {
      product.contents = { img: true, title: true, price: true, button: true };
    }
    return { product: product, cart: { startOpen: false }, toggle: { sticky: false } };
  }

  function mount(embed) {
    if (embed.hasAttribute('data-shopify-state')) {
      return;
    }
    var data = embed.dataset;
    var slot = embed.querySelector('[data-shopify-slot]');
    if (!data.shop || !data.token || !data.shopifyId || !slot) {
      embed.setAttribute('data-shopify-state', 'fallback');
      return;
    }
    embed.setAttribute('data-shopify-state', 'loading');
    uiFor(data.shop, data.token)
      .then(function (ui) {
        return ui.createComponent(data.shopifyEmbed, {
          id: data.shopifyId,
          node: slot,
          moneyFormat: data.moneyFormat || '${{amount}}',
          options: componentOptions(embed)
        });
      })
      .then(function () {
        embed.setAttribute('data-shopify-state', 'mounted');
        embed.setAttribute('data-mounted', '');
      })
      .catch(function () {
        embed.setAttribute('data-shopify-state', 'fallback');
      });
  }

  function watch(embeds) {
    var used = false;
    var near = [];
    var firstUse = ['pointermove', 'pointerdown', 'keydown', 'touchstart', 'wheel', 'scroll'];

    function onFirstUse() {
      firstUse.forEach(function (name) { window.removeEventListener(name, onFirstUse, true); });
      used = true;
      near.forEach(mount);
      near = [];
    }

    firstUse.forEach(function (name) {
      window.addEventListener(name, onFirstUse, { capture: true, passive: true });
    });
    embeds.forEach(function (embed) {
      embed.addEventListener('focusin', function () { mount(embed); }, { once: true });
    });
    if (!('IntersectionObserver' in window)) {
      near = embeds.slice();
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) {
          return;
        }
        observer.unobserve(entry.target);
        if (used) {
          mount(entry.target);
        } else {
          near.push(entry.target);
        }
      });
    }, { rootMargin: '300px 0px' });
    embeds.forEach(function (embed) { observer.observe(embed); });
  }

  function cartToggle() {
    var toggle = document.querySelector('[data-cart-toggle]');
    var embed = document.querySelector('[data-shopify-embed]');
    if (!toggle || !embed) {
      return;
    }
    toggle.addEventListener('click', function (event) {
      var key = embed.dataset.shop + '|' + embed.dataset.token;
      if (!uiPromises[key]) {
        return;
      }
      event.preventDefault();
      uiPromises[key].then(function (ui) { ui.openCart(); }, function () {
        window.location.href = toggle.href;
      });
    });
  }

  var embeds = Array.prototype.slice.call(document.querySelectorAll('[data-shopify-embed]'));
  if (embeds.length) {
    watch(embeds);
  }
  cartToggle();
}());
