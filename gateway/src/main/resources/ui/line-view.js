// The live line view: draws the gateway's picture (/ui/api/events, server-sent events; /ui/api/snapshot when those
// are not available) into the page. Read-only; Chart.js from the gateway's own /ui/lib.
(function () {
  'use strict';
  const STREAM_COLOURS = ['#3d7bd9', '#1f9d55', '#d64545', '#d98a00', '#6f5bd6', '#16a2b8', '#8a94a3', '#c2185b'];
  let updates = 0;
  let ratesChart = null;
  const sparks = new Map();

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === 'class') node.className = v; else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c === null || c === undefined ? '' : String(c)));
    return node;
  }

  function clock(iso) {
    if (!iso || iso === 'null') return '—';
    const d = new Date(iso);
    return isNaN(d) ? '—' : d.toISOString().slice(11, 19);
  }

  function percent(x) {
    return x === null || x === undefined ? '—' : (100 * x).toFixed(1) + ' %';
  }

  function fmt(x, digits) {
    return x === null || x === undefined ? '—' : Number(x).toFixed(digits);
  }

  function bar(x, cls) {
    const width = x === null || x === undefined ? 0 : Math.max(0, Math.min(100, 100 * x));
    const fill = el('span');
    fill.style.width = width + '%';
    return el('div', {class: 'bar ' + (cls || '')}, fill);
  }

  function oeeBlock(oee) {
    const box = el('div', {class: 'oee', 'data-testid': 'oee'});
    for (const [label, key, cls] of [['Availability', 'availability'], ['Performance', 'performance'],
      ['Quality', 'quality'], ['OEE', 'oee', 'total']]) {
      box.append(el('span', {}, label), bar(oee[key], cls), el('span', {class: 'value', 'data-factor': key}, percent(oee[key])));
    }
    return box;
  }

  function renderLines(lines) {
    const container = document.getElementById('lines');
    document.getElementById('no-lines').hidden = lines.length > 0;
    container.replaceChildren(...lines.map(line => {
      const card = el('div', {class: 'line-card', 'data-line': line.id});
      card.append(el('h3', {}, line.id + (line.plant ? ' · ' + line.plant : ''),
        el('span', {class: 'muted small'}, line.clock ? '  line clock ' + clock(line.clock) : '')));
      const batch = line.batch || line.lastBatch;
      if (batch) {
        card.append(el('div', {class: 'batch'},
          el('strong', {}, (line.batch ? 'Batch ' : 'Last batch ') + batch.id), ' ',
          el('span', {class: 'muted'}, [batch.product, batch.status, 'since ' + clock(batch.startedAt)]
            .filter(Boolean).join(' · '))));
        card.append(oeeBlock(batch.oee));
        card.append(el('div', {class: 'muted small'},
          `planned ${fmt(batch.oee.plannedMinutes, 1)} min · running ${fmt(batch.oee.runMinutes, 1)} min · ` +
          `${batch.oee.good} good of ${batch.oee.total} · ideal ${fmt(batch.oee.idealRatePerMinute, 1)}/min` +
          (batch.oee.station ? ` · counted by ${batch.oee.station}` : '')));
      } else {
        card.append(el('div', {class: 'batch muted'}, 'No batch running'));
      }
      const rows = line.equipment.map(e => el('tr', {'data-device-id': e.deviceId},
        el('td', {}, e.deviceId), el('td', {}, e.type || ''),
        el('td', {}, el('span', {class: 'state ' + (e.state || 'unknown')}, e.state || 'no state yet')),
        el('td', {}, e.since ? clock(e.since) : '—'),
        el('td', {class: e.connected ? '' : 'offline'}, e.connected ? 'connected' : 'not here'),
        el('td', {class: 'muted small'}, e.reason || '')));
      card.append(el('table', {class: 'equipment'},
        el('thead', {}, el('tr', {}, ...['equipment', 'type', 'state', 'since', 'gateway', 'reason'].map(h => el('th', {}, h)))),
        el('tbody', {}, ...rows)));
      return card;
    }));
  }

  function renderRates(streams) {
    const points = streams.points || [];
    const names = Object.keys(streams.stored || {});
    const tbody = document.querySelector('#rates tbody');
    const last = points.length ? points[points.length - 1].rates : {};
    tbody.replaceChildren(...names.map(n => el('tr', {'data-stream': n}, el('td', {}, n),
      el('td', {class: 'num'}, fmt(last[n], 1)), el('td', {class: 'num'}, streams.stored[n]))));
    if (typeof Chart === 'undefined') return;
    const labels = points.map(p => clock(new Date(p.time).toISOString()));
    const datasets = names.map((n, i) => ({
      label: n, data: points.map(p => p.rates[n] ?? null), borderColor: STREAM_COLOURS[i % STREAM_COLOURS.length],
      backgroundColor: STREAM_COLOURS[i % STREAM_COLOURS.length], pointRadius: 0, borderWidth: 2, tension: 0.2
    }));
    if (!ratesChart) {
      ratesChart = new Chart(document.getElementById('rates-chart'), {
        type: 'line', data: {labels, datasets},
        options: {animation: false, responsive: true, maintainAspectRatio: false,
          scales: {y: {beginAtZero: true, title: {display: true, text: 'msg/s'}}, x: {ticks: {maxTicksLimit: 8}}},
          plugins: {legend: {position: 'right'}}}
      });
    } else {
      ratesChart.data.labels = labels;
      ratesChart.data.datasets = datasets;
      ratesChart.update('none');
    }
  }

  function sparkFor(key, c) {
    let entry = sparks.get(key);
    const values = c.history.map(p => p[1]);
    const limitLine = (v, colour) => ({data: values.map(() => v), borderColor: colour, borderDash: [4, 3],
      borderWidth: 1, pointRadius: 0});
    const datasets = [{data: values, borderColor: '#16202e', borderWidth: 1.5, pointRadius: 0}];
    if (c.upper !== null) datasets.push(limitLine(c.upper, '#d64545'));
    if (c.lower !== null) datasets.push(limitLine(c.lower, '#d64545'));
    if (!entry) {
      const canvas = el('canvas', {class: 'spark', width: 160, height: 34});
      const chart = typeof Chart === 'undefined' ? null : new Chart(canvas, {
        type: 'line', data: {labels: values.map((_, i) => i), datasets},
        options: {animation: false, responsive: false, events: [],
          plugins: {legend: {display: false}, tooltip: {enabled: false}}, scales: {x: {display: false}, y: {display: false}}}
      });
      entry = {canvas, chart};
      sparks.set(key, entry);
    } else if (entry.chart) {
      entry.chart.data.labels = values.map((_, i) => i);
      entry.chart.data.datasets = datasets;
      entry.chart.update('none');
    }
    return entry.canvas;
  }

  function renderCritical(values) {
    document.getElementById('no-critical').hidden = values.length > 0;
    const tbody = document.querySelector('#critical tbody');
    tbody.replaceChildren(...values.map(c => {
      const key = c.subject + '#' + (c.zone || '');
      const name = c.subject.split('.').slice(3).join('.') + (c.zone ? ' (' + c.zone + ')' : '');
      const limits = (c.lower !== null ? fmt(c.lower, 2) : '') + ' … ' + (c.upper !== null ? fmt(c.upper, 2) : '');
      return el('tr', {'data-critical': key}, el('td', {}, c.line), el('td', {}, c.deviceId || ''), el('td', {}, name),
        el('td', {class: 'num'}, fmt(c.value, 2) + ' ' + (c.unit || '')), el('td', {class: 'num'}, limits),
        el('td', {class: c.within ? 'within' : 'out'}, c.within ? 'within' : 'OUT OF LIMITS'),
        el('td', {}, clock(c.time)), el('td', {}, sparkFor(key, c)));
    }));
  }

  function renderAlerts(alerts) {
    document.getElementById('no-alerts').hidden = alerts.length > 0;
    document.querySelector('#alerts tbody').replaceChildren(...alerts.map(a => el('tr', {},
      el('td', {}, clock(a.time)), el('td', {}, a.line), el('td', {}, a.type), el('td', {}, a.deviceId || ''),
      el('td', {class: a.severity === 'high' ? 'out' : ''}, a.severity),
      el('td', {class: 'num'}, (a.value !== undefined ? fmt(a.value, 1) : '—') + ' / ' + (a.limit !== undefined ? fmt(a.limit, 1) : '—')),
      el('td', {class: 'muted small'}, a.text))));
  }

  function render(picture) {
    const g = picture.gateway;
    document.getElementById('gateway-id').textContent = g.id;
    const nats = document.getElementById('nats');
    nats.textContent = g.ready ? 'NATS ready' : g.natsConnected ? 'NATS (streams not ready)' : 'NATS down';
    nats.className = 'badge ' + (g.ready ? 'ok' : 'bad');
    document.getElementById('devices-connected').textContent = g.devicesConnected + ' devices connected';
    renderLines(picture.lines);
    renderRates(picture.streams);
    renderCritical(picture.critical);
    renderAlerts(picture.alerts);
    updates += 1;
    document.getElementById('updated').textContent = clock(g.time);
    document.getElementById('updates').textContent = String(updates);
    document.body.dataset.updates = String(updates);
  }

  function poll(refreshMillis) {
    fetch('api/snapshot', {cache: 'no-store'}).then(r => r.ok ? r.json() : Promise.reject(r.status))
      .then(render).catch(() => {}).finally(() => setTimeout(() => poll(refreshMillis), refreshMillis));
  }

  function start() {
    if (typeof EventSource === 'undefined') {
      poll(1000);
      return;
    }
    const source = new EventSource('api/events');
    let received = false;
    source.addEventListener('picture', e => {
      received = true;
      render(JSON.parse(e.data));
    });
    source.onerror = () => {
      if (!received) {
        source.close();
        poll(1000);
      }
    };
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
