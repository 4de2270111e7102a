/*
 * The graph view: the recent tasks and the edges between them (what each read), laid out left to
 * right in layers (a task sits one layer right of its furthest input), and the same graph summed
 * per function. Plain SVG. Large layers wrap into several columns so a wide map stays readable.
 */
(function (K) {
  'use strict';
  var PER_COLUMN = 30;

  /** Places nodes (ids) in layers by longest path; returns {pos: Map id -> {x, y}, width, height}. */
  function layout(ids, edges, colGap, rowGap) {
    var preds = new Map(), succs = new Map(), layer = new Map();
    ids.forEach(function (id) { preds.set(id, []); succs.set(id, []); });
    edges.forEach(function (e) {
      if (preds.has(e[0]) && preds.has(e[1]) && e[0] !== e[1]) { preds.get(e[1]).push(e[0]); succs.get(e[0]).push(e[1]); }
    });
    var indegree = new Map(), queue = [];
    ids.forEach(function (id) { indegree.set(id, preds.get(id).length); if (!preds.get(id).length) queue.push(id); });
    ids.forEach(function (id) { layer.set(id, 0); });
    for (var qi = 0; qi < queue.length; qi++) {
      var id = queue[qi];
      succs.get(id).forEach(function (s) {
        layer.set(s, Math.max(layer.get(s), layer.get(id) + 1));
        indegree.set(s, indegree.get(s) - 1);
        if (indegree.get(s) === 0) queue.push(s);
      });
    }
    var layers = [];
    ids.forEach(function (id) { var l = layer.get(id); (layers[l] = layers[l] || []).push(id); });
    layers = layers.filter(function (members) { return members && members.length; });
    // Order each layer by the mean place of its neighbours: down, up, and down again (few crossings).
    var place = new Map();
    layers.forEach(function (members) {
      members.sort();
      members.forEach(function (id, i) { place.set(id, i / members.length); });
    });
    function sweep(members, neighbours) {
      var key = new Map();
      members.forEach(function (id) {
        var n = neighbours.get(id), sum = 0;
        n.forEach(function (q) { sum += place.get(q); });
        key.set(id, n.length ? sum / n.length : place.get(id));
      });
      members.sort(function (a, b) { return key.get(a) - key.get(b); });
      members.forEach(function (id, i) { place.set(id, i / members.length); });
    }
    for (var l = 1; l < layers.length; l++) sweep(layers[l], preds);
    for (l = layers.length - 2; l >= 0; l--) sweep(layers[l], succs);
    for (l = 1; l < layers.length; l++) sweep(layers[l], preds);
    var pos = new Map(), x = 0, height = 0, shapes = [];
    layers.forEach(function (members) {
      var columns = Math.ceil(members.length / PER_COLUMN);
      shapes.push({columns: columns, rows: Math.ceil(members.length / columns)});
      height = Math.max(height, (shapes[shapes.length - 1].rows - 1) * rowGap);
    });
    layers.forEach(function (members, l) {
      var rows = shapes[l].rows, top = (height - (rows - 1) * rowGap) / 2;
      members.forEach(function (id, i) {
        pos.set(id, {x: x + Math.floor(i / rows) * colGap * 0.45, y: top + (i % rows) * rowGap});
      });
      x += colGap + (shapes[l].columns - 1) * colGap * 0.45;
    });
    return {pos: pos, width: Math.max(1, x - colGap), height: height};
  }

  function curve(a, b, dx) {
    var mx = (a.x + b.x) / 2;
    return 'M' + (a.x + dx) + ',' + a.y + ' C' + mx + ',' + a.y + ' ' + mx + ',' + b.y + ' ' + (b.x - dx) + ',' + b.y;
  }

  /** Fits the drawing to the card, never scaled above 1:1 (so text keeps its size), centred. */
  function frame(svg, width, height, margin, maxHeight) {
    var my = Math.min(margin, 28), w = width + 2 * margin, h = height + 2 * my;
    svg.setAttribute('viewBox', (-margin) + ' ' + (-my) + ' ' + w + ' ' + h);
    svg.style.maxWidth = w + 'px';
    svg.style.margin = '0 auto';
    var shown = Math.min(1, (svg.parentNode.clientWidth || w) / w);
    svg.setAttribute('height', Math.min(maxHeight, Math.max(60, h * shown)));
  }

  K.renderTaskGraph = function (svg, data) {
    var ids = data.tasks.map(function (t) { return t.key; });
    var L = layout(ids, data.edges, 70, 16), parts = [];
    data.edges.forEach(function (e) {
      var a = L.pos.get(e[0]), b = L.pos.get(e[1]);
      if (a && b) parts.push('<path class="edge" d="' + curve(a, b, 6) + '"/>');
    });
    data.tasks.forEach(function (t) {
      var p = L.pos.get(t.key);
      parts.push('<g class="task" data-key="' + K.esc(t.key) + '"><circle cx="' + p.x + '" cy="' + p.y + '" r="6" fill="' +
        (t.status === 'error' ? '#111' : K.colour(t.function)) + '"><title>' + K.esc(t.key + '\n' + t.function + ' · ' +
        K.fmtMillis(t.stop - t.start) + ' on ' + t.node + (t.status === 'error' ? '\nerred' : '')) + '</title></circle></g>');
    });
    svg.innerHTML = parts.join('');
    frame(svg, L.width, L.height, 20, 640);
  };

  K.renderFunctionGraph = function (svg, data) {
    var ids = data.functions.map(function (f) { return f.function; });
    var L = layout(ids, data.functionEdges, 220, 56), parts = [], count = new Map();
    data.functions.forEach(function (f) { count.set(f.function, f.count); });
    data.functionEdges.forEach(function (e) {
      var a = L.pos.get(e[0]), b = L.pos.get(e[1]);
      if (a && b && e[0] !== e[1]) {
        parts.push('<path class="edge" stroke-width="' + (1 + Math.log10(e[2])).toFixed(1) + '" d="' + curve(a, b, 70) + '"/>');
      }
    });
    ids.forEach(function (f) {
      var p = L.pos.get(f);
      parts.push('<g class="fn" data-function="' + K.esc(f) + '"><rect x="' + (p.x - 70) + '" y="' + (p.y - 15) +
        '" width="140" height="30" rx="6" fill="' + K.colour(f) + '" fill-opacity=".18" stroke="' + K.colour(f) +
        '" stroke-width="2"/><text x="' + p.x + '" y="' + (p.y + 4) + '" text-anchor="middle">' + K.esc(f) + ' × ' +
        K.fmtCount(count.get(f)) + '</text></g>');
    });
    svg.innerHTML = parts.join('');
    frame(svg, L.width, L.height, 80, 240);
  };
})(window.Kindling);
