/*
 * The task stream: one row per worker thread, one bar per task over time, a colour per function.
 * Plain SVG (no library): bars are <rect class="bar" data-key=...> elements that the browser hovers,
 * tests find, and a transform slides. Used live by the dashboard (a window that ends now) and
 * statically by saved reports (the whole recorded span). Also holds the helpers every page shares.
 */
(function () {
  'use strict';
  var PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f',
    '#e15759', '#86bcb6', '#d4a6c8', '#8cd17d', '#a0cbe8', '#ffbe7d', '#bab0ac', '#499894'];
  var SVG = 'http://www.w3.org/2000/svg';

  function colour(name) {
    var h = 2166136261;
    for (var i = 0; i < name.length; i++) {
      h ^= name.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
    return PALETTE[(h >>> 0) % PALETTE.length];
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }
  function fmtMillis(ms) {
    if (ms < 1) return (ms * 1000).toFixed(0) + ' µs';
    if (ms < 10) return ms.toFixed(2) + ' ms';
    if (ms < 1000) return ms.toFixed(0) + ' ms';
    if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
    return (ms / 60000).toFixed(1) + ' min';
  }
  function fmtBytes(b) {
    var units = ['B', 'kB', 'MB', 'GB', 'TB'];
    var i = 0;
    while (b >= 1000 && i < units.length - 1) { b /= 1000; i++; }
    return (i === 0 ? b.toFixed(0) : b.toFixed(b < 10 ? 2 : 1)) + ' ' + units[i];
  }
  function fmtCount(n) { return Number(n).toLocaleString('en-US'); }
  function shortNode(node) {
    var m = /-(node-\d+)$/.exec(node);
    return m ? m[1] : node;
  }
  function shortThread(thread) {
    var m = /^(.*?)%/.exec(thread);
    return m ? m[1] : thread;
  }
  function niceStep(span, ticks) {
    var raw = span / ticks, pow = Math.pow(10, Math.floor(Math.log10(raw))), steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * pow >= raw) return steps[i] * pow;
    return 10 * pow;
  }

  /**
   * options: windowMillis (a live window ending now; omit for the whole span), maxBars,
   * maxHeight (px of the rows), gutter (px for row labels).
   */
  function TaskStream(container, options) {
    this.container = container;
    this.options = Object.assign({maxBars: 3000, maxHeight: 360, gutter: 150}, options || {});
    this.events = new Map();
    this.running = [];
    this.rows = new Map();
    this.lastStop = 0;
    container.classList.add('stream');
    container.innerHTML = '';
    this.svg = document.createElementNS(SVG, 'svg');
    container.appendChild(this.svg);
    this.tip = document.createElement('div');
    this.tip.className = 'tip';
    container.appendChild(this.tip);
    var self = this;
    this.svg.addEventListener('mousemove', function (e) { self.hover(e); });
    this.svg.addEventListener('mouseleave', function () { self.tip.style.display = 'none'; });
  }

  TaskStream.prototype.add = function (events) {
    for (var i = 0; i < events.length; i++) {
      var e = events[i];
      var id = e.id || (e.node + '/' + e.thread + '/' + e.key + '/' + e.start);
      if (!this.events.has(id)) {
        this.events.set(id, e);
        this.row(e);
      }
      if (e.stop > this.lastStop) this.lastStop = e.stop;
    }
  };
  TaskStream.prototype.setRunning = function (running) {
    this.running = running;
    for (var i = 0; i < running.length; i++) this.row(running[i]);
  };
  TaskStream.prototype.row = function (e) {
    var k = e.node + '\u0000' + e.thread;
    if (!this.rows.has(k)) {
      this.rows.set(k, -1);
      var keys = Array.from(this.rows.keys()).sort(function (a, b) {
        return a.localeCompare(b, 'en', {numeric: true});
      });
      var rows = this.rows;
      keys.forEach(function (key, i) { rows.set(key, i); });
    }
  };
  /** Forgets events that ended before the window, so a long-open page stays small. */
  TaskStream.prototype.prune = function (before) {
    var events = this.events;
    events.forEach(function (e, id) { if (e.stop < before) events.delete(id); });
  };

  /** Redraws every bar; now is the window's end (ignored without a window). */
  TaskStream.prototype.render = function (now) {
    var o = this.options, width = Math.max(300, this.container.clientWidth || 800);
    var plot = width - o.gutter - 12, all = Array.from(this.events.values());
    var start, end;
    if (o.windowMillis) {
      end = now; start = now - o.windowMillis;
      this.prune(start - o.windowMillis);
    } else {
      start = Infinity; end = -Infinity;
      all.forEach(function (e) { start = Math.min(start, e.start); end = Math.max(end, e.stop); });
      if (!isFinite(start)) { start = 0; end = 1; }
      end = Math.max(end, start + 1);
    }
    var shown = all.filter(function (e) { return e.stop >= start; });
    shown.sort(function (a, b) { return a.stop - b.stop; });
    if (shown.length > o.maxBars) shown = shown.slice(shown.length - o.maxBars);
    var rowCount = Math.max(1, this.rows.size);
    var rowH = Math.max(6, Math.min(30, Math.floor(o.maxHeight / rowCount)));
    var height = rowCount * rowH + 26, scale = plot / (end - start);
    this.origin = start; this.scale = scale; this.end = end;
    var minWidth = 1.5 / scale, parts = [];
    parts.push('<defs><clipPath id="plot-clip"><rect x="' + o.gutter + '" y="0" width="' + plot +
      '" height="' + height + '"/></clipPath></defs>');
    parts.push(this.axis(start, end, plot, rowCount * rowH));
    var rows = this.rows, step = Math.ceil(12 / rowH);
    rows.forEach(function (i, k) {
      if (i % step !== 0) return;
      var nt = k.split('\u0000');
      parts.push('<text class="label" x="' + (o.gutter - 8) + '" y="' + (i * rowH + rowH / 2 + 4) +
        '" text-anchor="end">' + esc(shortNode(nt[0]) + ' · ' + shortThread(nt[1])) + '</text>');
    });
    parts.push('<g clip-path="url(#plot-clip)"><g class="bars" transform="translate(' + o.gutter +
      ',0) scale(' + scale + ',1)">');
    var bar = function (e, running, stop) {
      var r = rows.get(e.node + '\u0000' + e.thread);
      var w = Math.max(stop - e.start, minWidth);
      var erred = e.status === 'error';
      parts.push('<rect class="bar' + (erred ? ' erred' : '') + (running ? ' running' : '') + '" x="' +
        (e.start - start) + '" y="' + (r * rowH + 1) + '" width="' + w + '" height="' + Math.max(2, rowH - 2) +
        '" fill="' + colour(e.function) + '" data-key="' + esc(e.key) + '" data-function="' + esc(e.function) +
        '" data-node="' + esc(e.node) + '" data-thread="' + esc(e.thread) + '" data-start="' + e.start +
        '" data-stop="' + (running ? '' : e.stop) + '"/>');
    };
    shown.forEach(function (e) { bar(e, false, e.stop); });
    var liveEnd = o.windowMillis ? end + 60000 : end;
    this.running.forEach(function (e) { bar(e, true, liveEnd); });
    parts.push('</g></g>');
    this.svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    this.svg.setAttribute('height', height);
    this.svg.innerHTML = parts.join('');
    this.bars = this.svg.querySelector('g.bars');
    this.width = width;
  };

  TaskStream.prototype.axis = function (start, end, plot, bottom) {
    var o = this.options, span = end - start, step = niceStep(span, 8), out = ['<g class="axis">'];
    var live = !!o.windowMillis, first = live ? 0 : 0;
    for (var t = first; t <= span + 1e-9; t += step) {
      var x = live ? o.gutter + plot - t * plot / span : o.gutter + t * plot / span;
      var label = t === 0 ? (live ? 'now' : '0') : (live ? '−' : '') + fmtMillis(t);
      out.push('<line x1="' + x + '" x2="' + x + '" y1="0" y2="' + bottom + '"/>');
      out.push('<text x="' + x + '" y="' + (bottom + 16) + '" text-anchor="middle">' + label + '</text>');
    }
    out.push('</g>');
    return out.join('');
  };

  /** Moves the live window to end at now without redrawing the bars. */
  TaskStream.prototype.slide = function (now) {
    if (!this.bars || !this.options.windowMillis) return;
    var shift = (now - this.end) * this.scale;
    this.bars.setAttribute('transform', 'translate(' + (this.options.gutter - shift) + ',0) scale(' + this.scale + ',1)');
  };

  TaskStream.prototype.hover = function (ev) {
    var t = ev.target;
    if (!t || !t.classList || !t.classList.contains('bar')) { this.tip.style.display = 'none'; return; }
    var d = t.dataset, start = Number(d.start), stop = d.stop ? Number(d.stop) : null;
    var took = stop === null ? 'running for ' + fmtMillis(Date.now() - start) : fmtMillis(stop - start);
    this.tip.innerHTML = '<b>' + esc(d.key) + '</b><br><span class="dim">function</span> ' + esc(d.function) +
      '<br><span class="dim">duration</span> ' + took + (t.classList.contains('erred') ? ' <b>(erred)</b>' : '') +
      '<br><span class="dim">node</span> ' + esc(d.node) + '<br><span class="dim">thread</span> ' + esc(shortThread(d.thread));
    this.tip.style.display = 'block';
    var x = ev.clientX + 14, y = ev.clientY + 14;
    if (x + this.tip.offsetWidth > window.innerWidth - 8) x = ev.clientX - this.tip.offsetWidth - 14;
    if (y + this.tip.offsetHeight > window.innerHeight - 8) y = ev.clientY - this.tip.offsetHeight - 14;
    this.tip.style.left = Math.max(4, x) + 'px';
    this.tip.style.top = Math.max(4, y) + 'px';
  };

  window.Kindling = {colour: colour, esc: esc, fmtMillis: fmtMillis, fmtBytes: fmtBytes, fmtCount: fmtCount,
    shortNode: shortNode, shortThread: shortThread, TaskStream: TaskStream};
})();
