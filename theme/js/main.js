/* Hubshop theme: loads Shopify's Buy Button SDK once, lazily, for every embed on the page.
 *
 * Embeds are elements with data-shopify-embed="product|collection". Each holds a
 * slot (data-shopify-slot) whose size the CSS reserves, and a fallback that sells
 * without the SDK (a cart link, or a product list). The SDK is fetched once per
 * page, when an embed comes within 300px of the viewport (deferred until the page
 * has loaded and the main thread is idle, so its 350 KB never delay first paint)
 * or at once when the shopper uses an embed (pointer, touch or focus). Embeds
 * scrolled near later mount as they arrive. An embed is marked mounted only when
 * the SDK rendered its product; otherwise the fallback stays and still sells.
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
      contents: { img: false, imgWithCarousel: false, title: false, price: false, options: !picker(embed), button: true },
      text: { button: data.buttonText || 'Add to cart' },
      width: '100%'
    };
    if (data.shopifyEmbed === 'collection') {
      product.contents = { img: true, title: true, price: true, button: true };
    }
    return { product: product, cart: { startOpen: false }, toggle: { sticky: false } };
  }

  // The page's own option choice (rendered from the product row), if it has one
  function picker(embed) {
    return embed.parentNode ? embed.parentNode.querySelector('[data-variant-picker]') : null;
  }

  // Hands the shopper's choice to the SDK's product, now and on every change
  function followPicker(embed, component) {
    var choice = picker(embed);
    if (!choice || typeof component.updateVariant !== 'function') {
      return;
    }
    function hand() {
      Array.prototype.forEach.call(choice.querySelectorAll('input:checked'), function (input) {
        component.updateVariant(input.closest('[data-option-name]').dataset.optionName, input.value);
      });
    }
    hand();
    choice.addEventListener('change', hand);
  }

  // The variant the picker's checked values name, from the row's variants (data-variants)
  function chosenVariant(choice) {
    var variants;
    try {
      variants = JSON.parse(choice.dataset.variants || '[]');
    } catch (error) {
      return null;
    }
    var wanted = {};
    Array.prototype.forEach.call(choice.querySelectorAll('input:checked'), function (input) {
      wanted[input.closest('[data-option-name]').dataset.optionName] = input.value;
    });
    return variants.filter(function (variant) {
      return Object.keys(wanted).every(function (name) {
        return variant.options && variant.options[name] === wanted[name];
      });
    })[0] || null;
  }

  // Keeps the cart link (the fallback while the SDK loads or when it fails) on the chosen variant
  function followCartLink(choice) {
    var wrap = choice.parentNode;
    var link = wrap ? wrap.querySelector('a[data-cart-base]') : null;
    if (!link) {
      return;
    }
    choice.addEventListener('change', function () {
      var variant = chosenVariant(choice);
      if (variant) {
        link.href = link.dataset.cartBase + variant.id + ':1';
      }
    });
  }

  // A thumbnail shows its image in the main place (same box: the stage keeps its size)
  function gallery(root) {
    var main = root.querySelector('[data-gallery-main]');
    if (!main) {
      return;
    }
    root.addEventListener('click', function (event) {
      var thumb = event.target.closest('[data-gallery-thumb]');
      if (!thumb || event.metaKey || event.ctrlKey || event.shiftKey) {
        return;
      }
      event.preventDefault();
      main.src = thumb.getAttribute('href');
      main.alt = thumb.dataset.alt || '';
      Array.prototype.forEach.call(root.querySelectorAll('[data-gallery-thumb]'), function (other) {
        if (other === thumb) {
          other.setAttribute('aria-current', 'true');
        } else {
          other.removeAttribute('aria-current');
        }
      });
    });
  }

  // The catalog table holds global ids (gid://shopify/Product/123): the SDK takes
  // those as storefrontId and would prefix a second gid onto them given as id.
  function idKey(value) {
    return value.indexOf('gid://') === 0 ? 'storefrontId' : 'id';
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
        var config = {
          node: slot,
          moneyFormat: data.moneyFormat || '${{amount}}',
          options: componentOptions(embed)
        };
        config[idKey(data.shopifyId)] = data.shopifyId;
        return ui.createComponent(data.shopifyEmbed, config);
      })
      .then(function (component) {
        // createComponent resolves with nothing when the product was not found or
        // failed to render: the fallback must then stay visible and keep selling
        if (!component || !component.model) {
          throw new Error('Shopify Buy Button rendered no product');
        }
        followPicker(embed, component);
        // other scripts on the page (analytics, tests) reach the mounted product here
        embed.shopifyComponent = component;
        embed.setAttribute('data-shopify-state', 'mounted');
        embed.setAttribute('data-mounted', '');
      })
      .catch(function () {
        embed.setAttribute('data-shopify-state', 'fallback');
      });
  }

  // Runs fn once the page has loaded and the main thread is idle, so fetching and
  // running the SDK never competes with the page's own first paint and input.
  function whenIdle(fn) {
    function idle() {
      if ('requestIdleCallback' in window) {
        window.requestIdleCallback(fn, { timeout: 2000 });
      } else {
        window.setTimeout(fn, 200);
      }
    }
    if (document.readyState === 'complete') {
      idle();
    } else {
      window.addEventListener('load', idle, { once: true });
    }
  }

  function watch(embeds) {
    var used = ['pointerover', 'pointerdown', 'touchstart', 'focusin'];
    embeds.forEach(function (embed) {
      function onUse() {
        used.forEach(function (name) { embed.removeEventListener(name, onUse, true); });
        mount(embed);
      }
      used.forEach(function (name) {
        embed.addEventListener(name, onUse, { capture: true, passive: true });
      });
    });
    if (!('IntersectionObserver' in window)) {
      whenIdle(function () { embeds.forEach(mount); });
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          whenIdle(function () { mount(entry.target); });
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

  Array.prototype.forEach.call(document.querySelectorAll('[data-variant-picker]'), followCartLink);
  Array.prototype.forEach.call(document.querySelectorAll('[data-gallery]'), gallery);
  var embeds = Array.prototype.slice.call(document.querySelectorAll('[data-shopify-embed]'));
  if (embeds.length) {
    watch(embeds);
  }
  cartToggle();
}());
