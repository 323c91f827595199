/* Product grid: apply filters without a reload through HubDB's public read API.
 *
 * The server already rendered the grid for the current URL; this only takes over
 * form changes and page links, asks HubDB for the same query the HubL built, and
 * keeps the URL in step so a shared or reloaded link shows the same products.
 * On HubSpot it calls api.hubapi.com with the portal id; on a local preview the
 * preview server answers the same path itself.
 */
(function () {
  'use strict';

  var SORTS = { title: 'title', price: 'price_min', '-price': '-price_min', 'new': '-updated_at' };
  var FIELDS = ['category', 'min', 'max', 'tag', 'option', 'available', 'sort', 'page'];

  function apiBase() {
    var host = window.location.hostname;
    var local = window.location.protocol === 'file:' || host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
    return local ? '' : 'https://api.hubapi.com';
  }

  function stateFromForm(form) {
    var state = {};
    new FormData(form).forEach(function (value, key) {
      if (value !== '') {
        state[key] = String(value);
      }
    });
    return state;
  }

  function stateFromUrl() {
    var params = new URLSearchParams(window.location.search);
    var state = {};
    FIELDS.forEach(function (key) {
      if (params.get(key)) {
        state[key] = params.get(key);
      }
    });
    return state;
  }

  function hubdbQuery(grid, state) {
    var data = grid.dataset;
    var perPage = parseInt(data.perPage, 10) || 24;
    var page = Math.max(parseInt(state.page, 10) || 1, 1);
    var params = new URLSearchParams();
    params.set('portalId', data.portal || '');
    params.set('sort', SORTS[state.sort] || SORTS[data.defaultSort] || 'title');
    params.set('limit', String(perPage));
    params.set('offset', String((page - 1) * perPage));
    if (data.collection) { params.set('collections__contains', data.collection); }
    if (state.category) { params.set('category__eq', state.category); }
    if (state.tag) { params.set('tags__contains', state.tag); }
    if (state.option) { params.set('option_values__contains', state.option); }
    if (state.available === '1') { params.set('available__eq', 'true'); }
    if (state.min && Number(state.min) >= 0) { params.set('price_min__gte', String(Number(state.min))); }
    if (state.max && Number(state.max) >= 0) { params.set('price_min__lte', String(Number(state.max))); }
    return apiBase() + '/cms/v3/hubdb/tables/' + encodeURIComponent(data.table) + '/rows?' + params.toString();
  }

  function money(amount, currency) {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency || 'USD' }).format(amount);
    } catch (error) {
      return String(amount);
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function card(grid, row) {
    var values = row.values || {};
    var item = element('li', 'product-card');
    item.setAttribute('data-handle', row.path || '');
    var link = element('a', 'product-card__link');
    link.href = grid.dataset.productPath + '/' + encodeURIComponent(row.path || '');
    if (values.image && values.image.url) {
      var image = element('img', 'product-card__image');
      image.src = values.image.url;
      image.alt = '';
      image.width = 400;
      image.height = 400;
      image.loading = 'lazy';
      image.decoding = 'async';
      link.appendChild(image);
    }
    link.appendChild(element('h3', 'product-card__title', values.title || row.name || ''));
    item.appendChild(link);
    var price = money(values.price_min, values.currency || grid.dataset.currency);
    var from = values.price_min !== values.price_max ? 'From ' : '';
    item.appendChild(element('p', 'product-card__price', from + price));
    if (!values.available) {
      item.appendChild(element('p', 'product-card__stock', 'Sold out'));
    }
    return item;
  }

  function pageLinks(grid, state, page, hasNext) {
    var nav = grid.querySelector('[data-product-grid-pages]');
    if (!nav) {
      nav = element('nav', 'product-grid__pages');
      nav.setAttribute('aria-label', 'Pages');
      nav.setAttribute('data-product-grid-pages', '');
      grid.appendChild(nav);
    }
    nav.textContent = '';
    nav.hidden = page <= 1 && !hasNext;
    function link(number, rel, text) {
      var next = Object.assign({}, state, { page: String(number) });
      var anchor = element('a', 'product-grid__page', text);
      anchor.rel = rel;
      anchor.href = '?' + new URLSearchParams(next).toString();
      nav.appendChild(anchor);
    }
    if (page > 1) { link(page - 1, 'prev', 'Previous page'); }
    nav.appendChild(element('span', 'product-grid__page-number', 'Page ' + page));
    if (hasNext) { link(page + 1, 'next', 'Next page'); }
  }

  function render(grid, state, body) {
    var list = grid.querySelector('[data-product-grid-list]');
    var status = grid.querySelector('[data-product-grid-status]');
    var perPage = parseInt(grid.dataset.perPage, 10) || 24;
    var page = Math.max(parseInt(state.page, 10) || 1, 1);
    var rows = body.results || [];
    list.textContent = '';
    rows.forEach(function (row) { list.appendChild(card(grid, row)); });
    var first = (page - 1) * perPage + 1;
    status.textContent = rows.length
      ? 'Showing ' + first + '–' + (first + rows.length - 1) + ' of ' + body.total
      : 'No products match these filters.';
    pageLinks(grid, state, page, first - 1 + rows.length < body.total);
  }

  function update(grid, state, push) {
    grid.setAttribute('aria-busy', 'true');
    return fetch(hubdbQuery(grid, state), { headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HubDB answered ' + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        render(grid, state, body);
        if (push) {
          var search = new URLSearchParams(state).toString();
          window.history.pushState(state, '', window.location.pathname + (search ? '?' + search : ''));
        }
      })
      .finally(function () {
        grid.removeAttribute('aria-busy');
      });
  }

  function fillForm(form, state) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name) { return; }
      if (field.type === 'checkbox') {
        field.checked = state[field.name] === field.value;
      } else if (field.tagName === 'SELECT' || field.tagName === 'INPUT') {
        field.value = state[field.name] || (field.name === 'sort' ? field.options[0].value : '');
      }
    });
  }

  function start(grid) {
    var form = grid.querySelector('[data-product-grid-form]');
    if (!form) { return; }
    function submit(event) {
      event.preventDefault();
      var state = stateFromForm(form);
      delete state.page;
      update(grid, state, true).catch(function () { form.submit(); });
    }
    form.addEventListener('submit', submit);
    form.addEventListener('change', submit);
    grid.addEventListener('click', function (event) {
      var anchor = event.target.closest('[data-product-grid-pages] a');
      if (!anchor) { return; }
      event.preventDefault();
      var state = {};
      new URLSearchParams(anchor.search).forEach(function (value, key) { state[key] = value; });
      update(grid, state, true).then(function () {
        grid.scrollIntoView({ block: 'start' });
      }, function () { window.location.href = anchor.href; });
    });
    window.addEventListener('popstate', function () {
      var state = stateFromUrl();
      fillForm(form, state);
      update(grid, state, false).catch(function () { window.location.reload(); });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-product-grid]'), start);
}());
