/*
 * What every dashboard page shares: fetching JSON (and the server's clock), polling while the page
 * is visible, the header's summary, the workers table and the progress bars. Needs taskstream.js.
 */
(function (K) {
  'use strict';
  var offset = 0;

  K.fetchJson = function (path) {
    return fetch(path, {cache: 'no-store'}).then(function (r) {
      if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
      var now = Number(r.headers.get('X-Kindling-Now'));
      if (now) offset = now - Date.now();
      return r.json();
    });
  };
  /** The server's clock, which the task times come from. */
  K.now = function () { return Date.now() + offset; };

  /** Calls step (returning a promise) every period ms while the page is visible. */
  K.poll = function (step, period) {
    function mark(stale) {
      var live = document.getElementById('live');
      if (live) live.classList.toggle('stale', stale);
    }
    function tick() {
      if (document.hidden) { setTimeout(tick, period); return; }
      Promise.resolve().then(step).then(function () {
        mark(false);
      }, function (err) {
        mark(true);
        console.warn(err);
      }).then(function () { setTimeout(tick, period); });
    }
    tick();
  };

  K.markNav = function () {
    var here = location.pathname === '/' ? '/status' : location.pathname;
    document.querySelectorAll('header.bar nav a').forEach(function (a) {
      if (a.getAttribute('href') === here) a.classList.add('here');
    });
  };

  K.summary = function (workers) {
    var el = document.getElementById('summary');
    if (!el) return;
    var threads = 0, mem = 0, done = 0, running = 0, erred = 0;
    workers.forEach(function (w) { threads += w.threads; mem += w.memoryBytes; done += w.done; running += w.running; erred += w.erred; });
    el.innerHTML = '<span class="live" id="live"></span><b>' + workers.length + '</b> workers · <b>' + threads +
      '</b> threads · <b>' + K.fmtBytes(mem) + '</b> · <b>' + K.fmtCount(done) + '</b> done · <b>' + running +
      '</b> running' + (erred ? ' · <b>' + K.fmtCount(erred) + '</b> erred' : '');
  };

  function meter(fraction, text, colour) {
    var pct = Math.max(0, Math.min(1, fraction)) * 100;
    return '<div class="meter"><span style="width:' + pct.toFixed(1) + '%' + (colour ? ';background:' + colour : '') +
      '"></span><em>' + text + '</em></div>';
  }

  /** The workers table: one row per node (tr[data-node]); detailed adds host, heap and CPU. */
  K.renderWorkers = function (el, workers, detailed) {
    if (!workers.length) { el.innerHTML = '<div class="empty">No server nodes in the cluster.</div>'; return; }
    var maxMem = 1;
    workers.forEach(function (w) { maxMem = Math.max(maxMem, w.memoryBytes); });
    var h = ['<div class="scroll"><table class="grid workers"><thead><tr><th>Node</th>' + (detailed ? '<th>Host</th>' : '') +
      '<th class="num">Threads</th><th>Running</th><th class="num">Done</th><th class="num">Erred</th>' +
      '<th class="num">Keys</th><th>Memory</th><th class="num">Spilled</th>' + (detailed ? '<th>Heap</th><th class="num">CPU</th>' : '') +
      '</tr></thead><tbody>'];
    workers.forEach(function (w) {
      var limit = w.memoryLimitBytes > 0 ? w.memoryLimitBytes : maxMem;
      var memText = K.fmtBytes(w.memoryBytes) + (detailed && w.memoryLimitBytes > 0 ? ' / ' + K.fmtBytes(w.memoryLimitBytes) : '') +
        (w.paused ? ' · paused' : '');
      h.push('<tr data-node="' + K.esc(w.node) + '"><td class="mono node" title="' + K.esc(w.node) + '">' + K.esc(w.node) +
        '</td>' + (detailed ? '<td>' + K.esc(w.host) + '</td>' : '') + '<td class="num">' + w.threads + '</td><td>' +
        meter(w.running / Math.max(1, w.threads), w.running + ' / ' + w.threads, '#8cd17d') + '</td><td class="num">' +
        K.fmtCount(w.done) + '</td><td class="num">' + K.fmtCount(w.erred) + '</td><td class="num">' + K.fmtCount(w.keys) +
        '</td><td title="' + K.fmtBytes(w.memoryBytes) + ' of at most ' + K.fmtBytes(limit) + '">' +
        meter(w.memoryBytes / limit, memText, w.paused ? '#e15759' : null) + '</td><td class="num spilled" title="' +
        K.fmtCount(w.spilledValues || 0) + ' values on disk">' + K.fmtBytes(w.spilledBytes || 0) + '</td>');
      if (detailed) {
        h.push('<td>' + meter(w.heapUsedBytes / Math.max(1, w.heapMaxBytes), K.fmtBytes(w.heapUsedBytes) + ' / ' +
          K.fmtBytes(w.heapMaxBytes), '#d4a6c8') + '</td><td class="num">' +
          (w.cpuLoad >= 0 ? (w.cpuLoad * 100).toFixed(0) + '%' : '–') + '</td>');
      }
      h.push('</tr>');
    });
    h.push('</tbody></table></div>');
    el.innerHTML = h.join('');
  };

  /** Progress per function: done, running, waiting, erred as one stacked bar each. */
  K.renderProgress = function (el, progress, limit) {
    var rows = progress.slice().sort(function (a, b) {
      var activeA = a.running + a.waiting > 0, activeB = b.running + b.waiting > 0;
      if (activeA !== activeB) return activeA ? -1 : 1;
      return b.last - a.last || a.function.localeCompare(b.function);
    }).slice(0, limit || 1000);
    if (!rows.length) { el.innerHTML = '<div class="empty">No tasks yet.</div>'; return; }
    var h = [];
    rows.forEach(function (p) {
      var total = p.done + p.running + p.waiting + p.erred, c = K.colour(p.function);
      var part = function (n, cls, style) {
        return n ? '<span class="' + cls + '" style="width:' + (100 * n / total).toFixed(2) + '%;' + (style || '') + '"></span>' : '';
      };
      h.push('<div class="progress-row" data-function="' + K.esc(p.function) + '"><div class="name" title="' + K.esc(p.function) +
        '"><i style="background:' + c + '"></i>' + K.esc(p.function) + '</div><div class="stack">' +
        part(p.done, 'done', 'background:' + c) + part(p.running, 'running', 'background-color:' + c) +
        part(p.waiting, 'waiting') + part(p.erred, 'erred') + '</div><div class="counts">' + K.fmtCount(p.done) +
        ' / ' + K.fmtCount(total) + (p.running ? ' · ' + p.running + ' running' : '') +
        (p.waiting ? ' · ' + K.fmtCount(p.waiting) + ' waiting' : '') + (p.erred ? ' · ' + K.fmtCount(p.erred) + ' erred' : '') + '</div></div>');
    });
    h.push('<div class="legend"><span><i style="background:#4e79a7"></i>done</span><span><i style="background:#4e79a7;opacity:.55"></i>running</span>' +
      '<span><i style="background:#d0d7de"></i>waiting</span><span><i style="background:#111"></i>erred</span></div>');
    el.innerHTML = h.join('');
  };

  /** A live task stream fed from /json/tasks (and running tasks from /json/workers). */
  K.liveStream = function (el, windowMillis, maxBars, maxHeight) {
    var stream = new K.TaskStream(el, {windowMillis: windowMillis, maxBars: maxBars, maxHeight: maxHeight});
    var since = null;
    stream.refresh = function (workers) {
      var from = since === null ? K.now() - windowMillis : since;
      return K.fetchJson('/json/tasks?since=' + Math.floor(from) + '&limit=' + maxBars).then(function (events) {
        stream.add(events);
        if (stream.lastStop) since = stream.lastStop - 500;  // an overlap for clocks of other nodes; ids dedupe
        if (workers) {
          var running = [];
          workers.forEach(function (w) {
            w.processing.forEach(function (p) {
              running.push({key: p.key, function: p.function, node: w.node, thread: p.thread, start: p.start});
            });
          });
          stream.setRunning(running);
        }
        stream.render(K.now());
      });
    };
    setInterval(function () { if (!document.hidden) stream.slide(K.now()); }, 200);
    window.addEventListener('resize', function () { stream.render(K.now()); });
    return stream;
  };
})(window.Kindling);
