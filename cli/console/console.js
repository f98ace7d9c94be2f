// edgesim's live console: plain JS and SVG over the admin API (cli/console.h) and CloudFront's
// REST API on the same port. Every value from the server goes into the page as text, never HTML.
'use strict';

const MAX_ROWS = 1000;          // the server keeps as many events (request_event_log.h)
const CHART_SAMPLES = 90;       // 3 minutes of 2 s samples
const CF_API = '/2020-05-31';
const CF_NS = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';

const state = {
  events: [],                    // newest last
  distributions: [],             // from /_edgesim/stats
  invalidationPaths: new Map(),  // invalidation id -> paths, once read
  samples: [],                   // {requests, hits, origin} cumulative, per stats poll
  manual: false,
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('data-')) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) node.append(c instanceof Node ? c : String(c ?? ''));
  return node;
}

function showError(message) {
  const p = $('error');
  p.textContent = message;
  p.hidden = !message;
}

async function api(path, options = {}) {
  const res = await fetch(path, { credentials: 'same-origin', ...options });
  const text = await res.text();
  if (!res.ok) {
    let message = `${res.status} ${text}`;
    try { message = JSON.parse(text).error.message; } catch (e) { /* XML or plain text */ }
    const m = /<Message>([^<]*)<\/Message>/.exec(text);
    if (m) message = m[1];
    throw new Error(`${options.method || 'GET'} ${path}: ${message}`);
  }
  return text;
}

const getJson = async (path) => JSON.parse(await api(path));
const postJson = (path, body) => api(path, {
  method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
});

function seconds(n) {
  if (n === null || n === undefined) return '–';
  if (Math.abs(n) >= 86400) return `${(n / 86400).toFixed(1)} d`;
  if (Math.abs(n) >= 3600) return `${(n / 3600).toFixed(1)} h`;
  if (Math.abs(n) >= 60) return `${(n / 60).toFixed(1)} min`;
  return `${n} s`;
}

function bytes(n) {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

// ---- tabs
function selectTab(name) {
  for (const b of document.querySelectorAll('nav .tab')) {
    b.classList.toggle('active', b.dataset.tab === name);
  }
  for (const s of document.querySelectorAll('main .panel')) s.hidden = s.id !== `tab-${name}`;
  if (name === 'cache') refreshCache().catch((e) => showError(e.message));
  if (name === 'invalidations') refreshInvalidations().catch((e) => showError(e.message));
}

// ---- clock
async function refreshClock() {
  const c = await getJson('/_edgesim/clock');
  $('clock-time').textContent = c.time;
  state.manual = c.manual;
  $('clock-kind').textContent = c.manual ? '(manual)' : '(real)';
  $('clock-buttons').hidden = !c.manual;
}

async function advanceClock(secondsBy) {
  await postJson('/_edgesim/clock/advance', { seconds: secondsBy });
  await refreshClock();
}

async function setClock() {
  const text = $('clock-set-input').value.trim();
  if (!text) return;
  await postJson('/_edgesim/clock/set', { time: text });
  await refreshClock();
}

// ---- request stream
function xCacheType(xCache) { return (xCache || '').split(' ')[0]; }

function passesFilters(e) {
  const status = $('filter-status').value.trim().toLowerCase();
  if (status) {
    const s = String(e.status);
    const ok = /^[1-5]xx$/.test(status) ? s[0] === status[0] : s.startsWith(status);
    if (!ok) return false;
  }
  const xc = $('filter-xcache').value;
  if (xc && xCacheType(e.x_cache) !== xc) return false;
  const path = $('filter-path').value.trim();
  return !path || e.path.includes(path);
}

function eventRow(e) {
  const type = xCacheType(e.x_cache);
  const row = el('tr', { class: `row x-${type.toLowerCase()}`, 'data-id': e.id, 'data-x-cache': type,
    title: 'click: why this answer' },
  el('td', {}, e.id), el('td', {}, e.time.slice(11, 19)), el('td', {}, e.pop),
  el('td', {}, e.method), el('td', { class: 'path' }, e.path), el('td', {}, e.status),
  el('td', { class: 'xcache' }, type), el('td', {}, e.behavior ?? '?'),
  el('td', { title: e.ttl_reason || '' }, e.ttl === null ? 'not stored' : seconds(e.ttl)),
  el('td', {}, seconds(e.age)), el('td', { class: 'key' }, e.cache_key ?? ''));
  row.addEventListener('click', () => explain(e.id).catch((err) => showError(err.message)));
  return row;
}

function renderRows() {
  const body = $('requests').tBodies[0];
  const rows = [];
  for (let i = state.events.length - 1; i >= 0; --i) {
    if (passesFilters(state.events[i])) rows.push(eventRow(state.events[i]));
  }
  body.replaceChildren(...rows);
  $('row-count').textContent = `${rows.length} of ${state.events.length} requests`;
}

function addEvent(e) {
  state.events.push(e);
  if (state.events.length > MAX_ROWS) state.events.shift();
  const body = $('requests').tBodies[0];
  if (passesFilters(e)) body.prepend(eventRow(e));
  while (body.rows.length > MAX_ROWS) body.deleteRow(-1);
  $('row-count').textContent = `${body.rows.length} of ${state.events.length} requests`;
}

async function explain(id) {
  const x = await getJson(`/_edgesim/explain?event=${encodeURIComponent(id)}`);
  const e = x.event;
  $('explain-summary').textContent = `#${e.id} ${e.method} ${e.path} at ${e.pop}: ${e.status}, ` +
    `${e.x_cache}, age ${seconds(e.age)}. TTL: ${x.explanation.ttl.reason}`;
  $('explain-text').textContent = x.text;
  $('explain').hidden = false;
}

function connectStream() {
  const source = new EventSource('/_edgesim/events');
  source.addEventListener('open', () => { $('stream-state').textContent = 'live'; });
  source.addEventListener('error', () => { $('stream-state').textContent = 'reconnecting…'; });
  source.addEventListener('request', (m) => addEvent(JSON.parse(m.data)));
}

// ---- distributions and behaviors
function counterCells(c) {
  const ratio = c.requests ? `${Math.round((100 * (c.hits + c.refresh_hits)) / c.requests)} %` : '–';
  return [el('td', {}, c.requests), el('td', {}, c.hits), el('td', {}, c.misses),
    el('td', {}, c.errors), el('td', {}, ratio), el('td', {}, c.origin_fetches)];
}

function renderDistributions() {
  const box = $('distributions');
  const parts = [];
  for (const d of state.distributions) {
    parts.push(el('h2', {}, `${d.id} `, el('span', { class: 'muted' }, d.domain_name)));
    const head = el('tr', {}, ...['cache', 'tier', 'behavior', 'requests', 'hits', 'misses', 'errors',
      'hit ratio', 'upstream fetches'].map((h) => el('th', {}, h)));
    const rows = [];
    for (const c of d.caches) {
      rows.push(el('tr', { class: 'cache-total' }, el('td', {}, c.name), el('td', {}, c.tier),
        el('td', {}, 'all'), ...counterCells(c.counters)));
      for (const b of c.behaviors) {
        rows.push(el('tr', {}, el('td', {}), el('td', {}), el('td', {}, b.path_pattern),
          ...counterCells(b.counters)));
      }
    }
    parts.push(el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows)));
  }
  box.replaceChildren(...parts);
}

function fillSelect(select, values) {
  const current = select.value;
  const same = select.options.length === values.length &&
    values.every((v, i) => select.options[i].value === v);
  if (same) return;
  select.replaceChildren(...values.map((v) => el('option', { value: v }, v)));
  if (values.includes(current)) select.value = current;
}

function lastTierCaches(d) {
  const order = ['edge', 'regional', 'origin_shield'];
  const top = Math.max(...d.caches.map((c) => order.indexOf(c.tier)));
  return d.caches.filter((c) => order.indexOf(c.tier) === top);
}

async function refreshStats() {
  const stats = await getJson('/_edgesim/stats');
  state.distributions = stats.distributions;
  const ids = stats.distributions.map((d) => d.id);
  fillSelect($('invalidation-distribution'), ids);
  fillSelect($('cache-distribution'), ids);
  refreshCacheNames();
  renderDistributions();
  const sample = { requests: 0, hits: 0, origin: 0 };
  for (const d of stats.distributions) {
    for (const c of d.caches.filter((x) => x.tier === 'edge')) {
      sample.requests += c.counters.requests;
      sample.hits += c.counters.hits + c.counters.refresh_hits;
    }
    for (const c of lastTierCaches(d)) sample.origin += c.counters.origin_fetches;
  }
  state.samples.push(sample);
  if (state.samples.length > CHART_SAMPLES + 1) state.samples.shift();
  renderCharts();
}

// ---- charts (SVG)
const SVG_NS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function drawChart(target, values, maxValue, label) {
  const W = 600, H = 160, L = 40, B = 20, T = 10;
  const nodes = [svg('line', { x1: L, y1: H - B, x2: W, y2: H - B, class: 'axis' }),
    svg('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }),
    svg('text', { x: L - 4, y: T + 4, class: 'tick', 'text-anchor': 'end' }, label(maxValue)),
    svg('text', { x: L - 4, y: H - B, class: 'tick', 'text-anchor': 'end' }, label(0))];
  // The newest sample at the right edge; a gap (no requests) breaks the line.
  const step = (W - L) / CHART_SAMPLES;
  let path = '';
  values.forEach((v, i) => {
    if (v === null) return;
    const x = W - (values.length - 1 - i) * step;
    const y = H - B - (maxValue ? (v / maxValue) * (H - B - T) : 0);
    path += `${path && values[i - 1] !== null ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)} `;
    nodes.push(svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 2.5, class: 'point' }));
  });
  if (path) nodes.push(svg('path', { d: path, class: 'series' }));
  nodes.push(svg('text', { x: W, y: H - 4, class: 'tick', 'text-anchor': 'end' }, 'now'));
  target.replaceChildren(...nodes);
}

function renderCharts() {
  const ratios = [], origin = [];
  for (let i = 1; i < state.samples.length; ++i) {
    const a = state.samples[i - 1], b = state.samples[i];
    const requests = b.requests - a.requests;
    ratios.push(requests > 0 ? (b.hits - a.hits) / requests : null);
    origin.push(Math.max(0, b.origin - a.origin));
  }
  drawChart($('chart-hits'), ratios, 1, (v) => `${Math.round(v * 100)} %`);
  drawChart($('chart-origin'), origin, Math.max(1, ...origin), (v) => String(v));
}

// ---- invalidations (CloudFront's API)
function xmlEscape(s) {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function createInvalidation(distribution, paths) {
  const items = paths.map((p) => `<Path>${xmlEscape(p)}</Path>`).join('');
  const body = `<?xml version="1.0" encoding="UTF-8"?><InvalidationBatch xmlns="${CF_NS}">` +
    `<Paths><Quantity>${paths.length}</Quantity><Items>${items}</Items></Paths>` +
    `<CallerReference>console-${Date.now()}-${Math.random().toString(36).slice(2)}</CallerReference>` +
    '</InvalidationBatch>';
  const text = await api(`${CF_API}/distribution/${encodeURIComponent(distribution)}/invalidation`, {
    method: 'POST', headers: { 'Content-Type': 'application/xml' }, body,
  });
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  const id = doc.getElementsByTagName('Id')[0].textContent;
  state.invalidationPaths.set(id, paths);
  await refreshInvalidations();
  return id;
}

const childText = (node, tag) => node.getElementsByTagName(tag)[0]?.textContent ?? '';

async function invalidationPaths(distribution, id) {
  if (!state.invalidationPaths.has(id)) {
    const text = await api(`${CF_API}/distribution/${encodeURIComponent(distribution)}/invalidation/${encodeURIComponent(id)}`);
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    state.invalidationPaths.set(id, [...doc.getElementsByTagName('Path')].map((p) => p.textContent));
  }
  return state.invalidationPaths.get(id);
}

async function refreshInvalidations() {
  const rows = [];
  for (const d of state.distributions) {
    const text = await api(`${CF_API}/distribution/${encodeURIComponent(d.id)}/invalidation?MaxItems=50`);
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    for (const s of doc.getElementsByTagName('InvalidationSummary')) {
      const id = childText(s, 'Id');
      const status = childText(s, 'Status');
      const paths = await invalidationPaths(d.id, id);
      rows.push(el('tr', { 'data-id': id, 'data-status': status },
        el('td', {}, id), el('td', {}, d.id), el('td', {}, childText(s, 'CreateTime')),
        el('td', { class: `status ${status.toLowerCase()}` }, status),
        el('td', { class: 'path' }, paths.join(' '))));
    }
  }
  $('invalidations').tBodies[0].replaceChildren(...rows);
  const bill = JSON.parse(await api('/_edgesim/invalidations/bill')).current;
  $('invalidation-bill').textContent = `This month (${bill.month}), paths invalidated: ` +
    `${bill.paths} (free ${bill.free_paths}, billed ${bill.billed_paths}), ` +
    `cost $${bill.cost_usd.toFixed(3)}. Each path counts, a wildcard once, past the month's ` +
    'free allowance (docs/spec.md 6.6).';
}

// ---- cache browser
function refreshCacheNames() {
  const d = state.distributions.find((x) => x.id === $('cache-distribution').value);
  fillSelect($('cache-pop'), d ? d.caches.map((c) => c.name) : []);
}

async function refreshCache() {
  const distribution = $('cache-distribution').value;
  const pop = $('cache-pop').value;
  if (!distribution || !pop) return;
  const c = await getJson(`/_edgesim/cache?distribution=${encodeURIComponent(distribution)}` +
    `&pop=${encodeURIComponent(pop)}&limit=500`);
  $('cache-total').textContent = `${c.total} entries${c.truncated ? ' (first 500 shown)' : ''}`;
  const rows = c.entries.map((e) => {
    const button = el('button', { type: 'button' }, 'invalidate');
    button.addEventListener('click', () => createInvalidation(distribution, [e.path])
      .then(() => selectTab('invalidations')).catch((err) => showError(err.message)));
    return el('tr', { class: e.fresh ? '' : 'stale' }, el('td', { class: 'key' }, e.key),
      el('td', {}, e.status), el('td', {}, seconds(e.age)),
      el('td', {}, e.fresh ? seconds(e.ttl_left) : `stale ${seconds(-e.ttl_left)}`),
      el('td', {}, bytes(e.size)), el('td', {}, button));
  });
  $('cache').tBodies[0].replaceChildren(...rows);
}

// ---- wiring
function every(ms, fn) {
  let failed = false;  // clears its own error only: an action's stays up
  const run = () => fn().then(() => { if (failed) showError(''); failed = false; },
    (e) => { failed = true; showError(e.message); });
  run();
  setInterval(run, ms);
}

function start() {
  for (const b of document.querySelectorAll('nav .tab')) {
    b.addEventListener('click', () => selectTab(b.dataset.tab));
  }
  for (const b of document.querySelectorAll('[data-advance]')) {
    b.addEventListener('click', () => advanceClock(Number(b.dataset.advance))
      .catch((e) => showError(e.message)));
  }
  $('clock-set').addEventListener('click', () => setClock().catch((e) => showError(e.message)));
  for (const id of ['filter-status', 'filter-path']) $(id).addEventListener('input', renderRows);
  $('filter-xcache').addEventListener('change', renderRows);
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  $('explain-close').addEventListener('click', () => { $('explain').hidden = true; });
  $('invalidation-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const paths = $('invalidation-paths').value.split(/\s+/).filter(Boolean);
    if (!paths.length) return;
    createInvalidation($('invalidation-distribution').value, paths)
      .catch((err) => showError(err.message));
  });
  $('cache-distribution').addEventListener('change', () => { refreshCacheNames(); refreshCache(); });
  $('cache-pop').addEventListener('change', () => refreshCache().catch((e) => showError(e.message)));
  $('cache-refresh').addEventListener('click', () => refreshCache().catch((e) => showError(e.message)));
  connectStream();
  every(1000, refreshClock);
  every(2000, async () => {
    await refreshStats();
    if (!$('tab-invalidations').hidden) await refreshInvalidations();
    if (!$('tab-cache').hidden) await refreshCache();
  });
}

document.addEventListener('DOMContentLoaded', start);
