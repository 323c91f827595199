/* Product grid: facets with counts, chips, sort and pages in place, from the synced rows.
 *
 * The server rendered the grid for the current URL, links and all; this reads
 * the product table's rows once (HubDB's public rows API on HubSpot and the
 * preview, or the rows snapshot a static build writes beside its pages), then
 * counts each facet, filters, sorts and pages in the browser, cloning the card
 * and chip the server rendered into <template>s and keeping the URL in step,
 * so a shared or reloaded link shows the same products with or without it.
 */
(function () {
  'use strict';

  var KEYS = ['category', 'option', 'min', 'max', 'tag', 'available'];
  var PAGE_SIZE = 1000;

  function apiBase() {
    var host = window.location.hostname;
    var local = host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
    return local ? '' : 'https://api.hubapi.com';
  }

  function names(value) {
    if (!value) { return []; }
    if (!Array.isArray(value)) { value = [value]; }
    return value.map(function (option) { return option && option.name !== undefined ? option.name : String(option); });
  }

  // The product's second image (the card shows it on hover and focus), if it has one
  function secondImage(images) {
    if (typeof images === 'string') {
      try { images = JSON.parse(images); } catch (error) { images = null; }
    }
    return Array.isArray(images) && images[1] && images[1].url ? images[1].url : '';
  }

  function number(value) {
    return value === null || value === undefined || value === '' ? null : Number(value);
  }

  function normal(row) {
    var v = row.values || {};
    return {
      id: Number(row.id) || 0, path: row.path || '', title: v.title || row.name || '',
      image: v.image && v.image.url ? v.image.url : '', hoverImage: secondImage(v.images), priceMin: number(v.price_min),
      priceMax: number(v.price_max), compareAt: number(v.compare_at_max), onSale: !!v.on_sale,
      currency: v.currency || '', available: !!v.available, category: names(v.category)[0] || '',
      options: names(v.option_values), tags: names(v.tags), collections: names(v.collections),
      updated: v.updated_at, values: v
    };
  }

  /* The rows: the static build's snapshot when the page names one, else HubDB's rows API. */
  function loadRows(grid) {
    var meta = document.querySelector('meta[name="hubshop:rows-snapshot"]');
    var table = grid.dataset.table;
    function json(url) {
      return fetch(url, { headers: { Accept: 'application/json' } }).then(function (response) {
        if (!response.ok) { throw new Error('rows answered ' + response.status); }
        return response.json();
      });
    }
    if (meta) {
      return json(meta.content.replace(/\/?$/, '/') + encodeURIComponent(table) + '.json')
        .then(function (body) { return (body.results || []).map(normal); });
    }
    var rows = [];
    function page(offset) {
      var params = new URLSearchParams();
      params.set('portalId', grid.dataset.portal || '');
      params.set('limit', String(PAGE_SIZE));
      params.set('offset', String(offset));
      params.set('properties', grid.dataset.hubdbColumns || '');
      return json(apiBase() + '/cms/v3/hubdb/tables/' + encodeURIComponent(table) + '/rows?' + params)
        .then(function (body) {
          var results = body.results || [];
          rows = rows.concat(results.map(normal));
          return results.length && rows.length < (body.total || 0) ? page(rows.length) : rows;
        });
    }
    return page(0);
  }

  function stateFrom(search) {
    var params = new URLSearchParams(search);
    var state = {};
    KEYS.concat(['sort', 'page']).forEach(function (key) {
      if (params.get(key)) { state[key] = params.get(key); }
    });
    return state;
  }

  function matches(grid, row, state, skip) {
    var collection = grid.dataset.collection;
    if (collection && row.collections.indexOf(collection) < 0) { return false; }
    if (skip !== 'category' && state.category && row.category !== state.category) { return false; }
    if (skip !== 'option' && state.option && row.options.indexOf(state.option) < 0) { return false; }
    if (state.tag && row.tags.indexOf(state.tag) < 0) { return false; }
    if (state.available === '1' && !row.available) { return false; }
    if (skip !== 'max' && state.min && !(row.priceMin >= Number(state.min))) { return false; }
    if (skip !== 'max' && state.max && !(row.priceMin <= Number(state.max))) { return false; }
    return true;
  }

  /* Sort as HubDB does: by id, then by the column, values before empty ones when descending. */
  function ordered(rows, orderBy) {
    var descending = orderBy.charAt(0) === '-';
    var column = descending ? orderBy.slice(1) : orderBy;
    function cell(row) {
      var value = row.values[column];
      if (value === null || value === undefined) { return null; }
      return typeof value === 'object' ? names(value).join(',') : value;
    }
    return rows.slice().sort(function (a, b) { return a.id - b.id; }).sort(function (a, b) {
      var x = cell(a), y = cell(b);
      if (x === null || y === null) { return x === y ? 0 : ((x === null) !== descending ? -1 : 1); }
      var order = x < y ? -1 : (x > y ? 1 : 0);
      return descending ? -order : order;
    });
  }

  function money(amount, currency) {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency }).format(amount);
    } catch (error) {
      return String(amount);
    }
  }

  function shortMoney(amount, currency) {
    return money(amount, currency).replace('.00', '');
  }

  function Grid(section) {
    this.el = section;
    this.data = section.dataset;
    this.form = section.querySelector('[data-product-grid-form]');
    this.sortSelect = section.querySelector('[data-product-grid-sort]');
    this.perPage = parseInt(this.data.perPage, 10) || 24;
    this.rows = null;
  }

  Grid.prototype.orderBy = function (state) {
    var key = state.sort || this.data.defaultSort;
    var option = this.sortSelect && this.sortSelect.querySelector('option[value="' + CSS.escape(key) + '"]');
    return option ? option.dataset.orderBy : this.data.orderBy;
  };

  /* The URL for a state: the listing's path, empty values left out, in the server's order. */
  Grid.prototype.url = function (state) {
    var params = new URLSearchParams();
    KEYS.forEach(function (key) { if (state[key]) { params.set(key, state[key]); } });
    if (state.sort && state.sort !== this.data.defaultSort) { params.set('sort', state.sort); }
    if (parseInt(state.page, 10) > 1) { params.set('page', state.page); }
    var search = params.toString().replace(/\+/g, '%20');
    return window.location.pathname + (search ? '?' + search : '');
  };

  Grid.prototype.with = function (state, changes) {
    var next = Object.assign({}, state, changes);
    delete next.page;
    if (changes.page) { next.page = changes.page; }
    Object.keys(next).forEach(function (key) { if (!next[key]) { delete next[key]; } });
    return next;
  };

  Grid.prototype.counts = function (state) {
    var self = this;
    var tally = { category: {}, option: {}, max: {} };
    var steps = Array.prototype.map.call(
      this.el.querySelectorAll('[data-facet="max"] [data-facet-value]'), function (a) { return Number(a.dataset.facetValue); });
    this.rows.forEach(function (row) {
      if (matches(self.el, row, state, 'category')) {
        tally.category[row.category] = (tally.category[row.category] || 0) + 1;
      }
      if (matches(self.el, row, state, 'option')) {
        row.options.forEach(function (value) { tally.option[value] = (tally.option[value] || 0) + 1; });
      }
      if (matches(self.el, row, state, 'max')) {
        steps.forEach(function (step) {
          if (row.priceMin !== null && row.priceMin <= step) { tally.max[step] = (tally.max[step] || 0) + 1; }
        });
      }
    });
    return tally;
  };

  Grid.prototype.renderFacets = function (state) {
    var self = this;
    var tally = this.counts(state);
    Array.prototype.forEach.call(this.el.querySelectorAll('[data-facet]'), function (facet) {
      var key = facet.dataset.facet;
      var visible = 0;
      Array.prototype.forEach.call(facet.querySelectorAll('[data-facet-value]'), function (link) {
        var value = link.dataset.facetValue;
        var count = tally[key][key === 'max' ? Number(value) : value] || 0;
        var current = key === 'max' ? state.max === value && !state.min : state[key] === value;
        var changes = {};
        changes[key] = current ? '' : value;
        if (key === 'max') { changes.min = ''; }
        link.href = self.url(self.with(state, changes));
        link.querySelector('[data-facet-count]').textContent = '(' + count + ')';
        if (current) { link.setAttribute('aria-current', 'true'); } else { link.removeAttribute('aria-current'); }
        link.parentNode.hidden = !count && !current;
        visible += link.parentNode.hidden ? 0 : 1;
      });
      facet.hidden = !visible;
    });
  };

  Grid.prototype.chipLabel = function (key, value) {
    var link = this.el.querySelector('[data-facet="' + (key === 'max' ? 'max' : key) + '"] [data-facet-value="' + CSS.escape(value) + '"]');
    if (link && key !== 'min') { return link.firstChild.textContent.trim(); }
    if (key === 'min') { return 'From ' + shortMoney(Number(value), this.data.currency); }
    if (key === 'max') { return 'Under ' + shortMoney(Number(value), this.data.currency); }
    if (key === 'available') { return 'In stock'; }
    return value;
  };

  Grid.prototype.renderChips = function (state) {
    var self = this;
    var list = this.el.querySelector('[data-product-grid-chips]');
    if (!list) { return; }
    var clear = list.querySelector('[data-chip="all"]').parentNode;
    Array.prototype.forEach.call(list.querySelectorAll('[data-chip]:not([data-chip="all"])'), function (chip) {
      list.removeChild(chip.parentNode);
    });
    var template = clear.cloneNode(true);
    KEYS.forEach(function (key) {
      if (!state[key]) { return; }
      var item = template.cloneNode(true);
      var link = item.querySelector('a');
      var changes = {};
      changes[key] = '';
      link.dataset.chip = key;
      link.className = 'product-grid__chip';
      link.href = self.url(self.with(state, changes));
      link.textContent = self.chipLabel(key, state[key]);
      var hidden = document.createElement('span');
      hidden.className = 'visually-hidden';
      hidden.textContent = ' (remove filter)';
      var mark = document.createElement('span');
      mark.className = 'product-grid__chip-x';
      mark.setAttribute('aria-hidden', 'true');
      mark.textContent = '×';
      link.appendChild(hidden);
      link.appendChild(mark);
      list.insertBefore(item, clear);
    });
    list.hidden = !KEYS.some(function (key) { return state[key]; });
  };

  Grid.prototype.card = function (row) {
    var item = this.el.querySelector('template[data-product-grid-card]').content.firstElementChild.cloneNode(true);
    var currency = row.currency || this.data.currency;
    var sale = row.onSale && row.compareAt !== null && row.compareAt > row.priceMin;
    item.dataset.handle = row.path;
    item.classList.toggle('product-card--sold-out', !row.available);
    item.querySelector('[data-card-link]').href = this.data.productPath + '/' + encodeURIComponent(row.path);
    var image = item.querySelector('[data-card-image]');
    if (row.image) { image.src = row.image; } else { image.removeAttribute('src'); }
    var hover = item.querySelector('[data-card-hover-image]');
    if (row.hoverImage) { hover.src = row.hoverImage; } else { hover.removeAttribute('src'); }
    hover.hidden = !row.hoverImage;
    item.querySelector('[data-card-title]').textContent = row.title;
    item.querySelector('[data-card-sale]').hidden = !sale;
    item.querySelector('[data-card-sold-out]').hidden = row.available;
    item.querySelector('[data-card-from]').hidden = row.priceMin === row.priceMax;
    var price = item.querySelector('[data-card-price]');
    price.textContent = money(row.priceMin, currency);
    price.classList.toggle('product-card__now--sale', sale);
    item.querySelector('[data-card-was]').textContent = sale ? money(row.compareAt, currency) : '';
    item.querySelector('[data-card-was]').parentNode.hidden = !sale;
    return item;
  };

  Grid.prototype.status = function (first, shown, total, page, pages) {
    if (shown) { return 'Showing ' + first + '–' + (first + shown - 1) + ' of ' + total; }
    if (total) {
      return 'Page ' + page + ' is past the end: ' + total + (total === 1 ? ' product matches' : ' products match') +
        ', on ' + pages + (pages === 1 ? ' page.' : ' pages.');
    }
    return 'No products match these filters.';
  };

  Grid.prototype.renderPages = function (state, page, pages) {
    var self = this;
    var nav = this.el.querySelector('[data-product-grid-pages]');
    nav.textContent = '';
    nav.hidden = pages <= 1 && page <= 1;
    function link(number, rel, text) {
      var anchor = document.createElement('a');
      anchor.className = 'product-grid__page';
      anchor.rel = rel;
      anchor.textContent = text;
      anchor.href = self.url(self.with(state, { page: String(number) }));
      nav.appendChild(anchor);
    }
    // past the last page there is no "Page 9 of 7": only the way back to the last one
    if (page > pages) { link(pages, 'prev', 'Back to page ' + pages); return; }
    if (page > 1) { link(page - 1, 'prev', 'Previous page'); }
    var label = document.createElement('span');
    label.className = 'product-grid__page-number';
    label.textContent = 'Page ' + page + ' of ' + pages;
    nav.appendChild(label);
    if (page < pages) { link(page + 1, 'next', 'Next page'); }
  };

  Grid.prototype.render = function (state) {
    var self = this;
    var matched = ordered(this.rows.filter(function (row) { return matches(self.el, row, state); }), this.orderBy(state));
    var page = Math.max(parseInt(state.page, 10) || 1, 1);
    var pages = Math.max(Math.ceil(matched.length / this.perPage), 1);
    var first = (page - 1) * this.perPage + 1;
    var shown = matched.slice(first - 1, first - 1 + this.perPage);
    var list = this.el.querySelector('[data-product-grid-list]');
    var fragment = document.createDocumentFragment();
    shown.forEach(function (row) { fragment.appendChild(self.card(row)); });
    list.textContent = '';
    list.appendChild(fragment);
    this.el.querySelector('[data-product-grid-status]').textContent = this.status(first, shown.length, matched.length, page, pages);
    this.el.querySelector('[data-product-grid-empty]').hidden = matched.length > 0;
    var heading = this.el.querySelector('[data-product-grid-heading]');
    if (heading) {
      heading.textContent = state.category || this.data.title;
      document.title = document.title.replace(/^.*?(\s\|\s[^|]*)$/, heading.textContent + '$1');
    }
    this.renderPages(state, page, pages);
    this.renderFacets(state);
    this.renderChips(state);
    this.fillForm(state);
  };

  Grid.prototype.fillForm = function (state) {
    if (!this.form) { return; }
    Array.prototype.forEach.call(this.form.elements, function (field) {
      if (!field.name) { return; }
      if (field.type === 'checkbox') {
        field.checked = state[field.name] === field.value;
      } else if (field.tagName === 'SELECT') {
        field.value = state[field.name] || field.options[0].value;
        if (field.name === 'sort' && !state.sort) { field.value = this.data.defaultSort; }
      } else if (field.type !== 'submit') {
        field.value = state[field.name] || '';
      }
    }, this);
  };

  Grid.prototype.go = function (state, push) {
    var self = this;
    this.el.setAttribute('aria-busy', 'true');
    return this.ready.then(function () {
      self.render(state);
      if (push) { window.history.pushState(state, '', self.url(state)); }
    }).finally(function () {
      self.el.removeAttribute('aria-busy');
    });
  };

  Grid.prototype.start = function () {
    var self = this;
    var current = stateFrom(window.location.search);
    var rendered = stateFrom(new URL(this.data.url || '', window.location.href).search);
    this.ready = loadRows(this.el).then(function (rows) {
      self.rows = rows;
      // a static build rendered every URL of the page as the unfiltered one: catch up
      if (self.url(rendered) !== self.url(current)) {
        self.render(current);
      } else {
        self.renderFacets(current);
      }
    });
    this.ready.catch(function () { self.el.dataset.rows = 'unavailable'; }).then(reveal);
    function follow(href, scroll) {
      var link = new URL(href, window.location.href);
      self.go(stateFrom(link.search), true).then(function () {
        if (scroll) { self.el.scrollIntoView({ block: 'start' }); }
      }, function () { window.location.href = link.href; });
    }
    this.el.addEventListener('click', function (event) {
      var anchor = event.target.closest('[data-facet-value], [data-chip], [data-product-grid-clear], [data-product-grid-pages] a');
      if (!anchor || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
      event.preventDefault();
      follow(anchor.href, !!anchor.closest('[data-product-grid-pages]'));
    });
    if (this.form) {
      var submit = function (event) {
        event.preventDefault();
        var state = stateFrom(window.location.search);
        var fields = new FormData(self.form);
        ['min', 'max', 'tag', 'available', 'sort'].forEach(function (key) {
          state[key] = fields.get(key) ? String(fields.get(key)) : '';
        });
        self.go(self.with(state, {}), true).catch(function () { self.form.submit(); });
      };
      this.form.addEventListener('submit', submit);
      this.form.addEventListener('change', submit);
    }
    window.addEventListener('popstate', function () {
      self.go(stateFrom(window.location.search), false).catch(function () { window.location.reload(); });
    });
  };

  /* A static build hides grids on a filtered URL until they show it (see the build) */
  function reveal() {
    document.documentElement.classList.remove('hubshop-pending');
  }

  var started = 0;
  Array.prototype.forEach.call(document.querySelectorAll('[data-product-grid]'), function (section) {
    if (section.querySelector('[data-product-grid-facets]')) {
      new Grid(section).start();
      started += 1;
    }
  });
  if (!started) { reveal(); }
  window.setTimeout(reveal, 4000);
}());
