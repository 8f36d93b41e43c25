/*
 * Vitals dashboard. Reads the server's JSON API (/v1/dashboard/overview and /v1/dashboard/series,
 * and /v1/quality and /v1/drift when the overview says the server has them) and draws it with uPlot.
 * No inline script or style (the page runs under "default-src 'self'"), no console output: every
 * failure ends up in the page's status line.
 *
 * For tests and debugging: window.vitalsCharts maps a chart id to its uPlot instance; each chart
 * container carries data-points (x positions with at least one value), data-model and data-range
 * of the data it shows; <body data-refreshes> counts completed refreshes.
 */
(function () {
  'use strict';

  var API = '../v1/';
  var POINTS = 300;
  var MAX_COST_MODELS = 10;
  var RANGE_SECONDS = { '15m': 900, '1h': 3600, '6h': 21600, '24h': 86400 };
  var RANGES = { '15m': 'last 15 min', '1h': 'last 1 h', '6h': 'last 6 h', '24h': 'last 24 h' };
  var PALETTE = ['#3b82f6', '#ef4444', '#f59e0b', '#10b981', '#8b5cf6', '#ec4899', '#14b8a6', '#f97316',
    '#6366f1', '#84cc16', '#64748b'];

  var params = new URLSearchParams(location.search);
  var state = {
    model: params.get('model') || '*',
    range: RANGES[params.get('range')] ? params.get('range') : '1h',
    auto: params.get('auto') !== 'off',
    refreshMs: Math.round(Math.min(3600, Math.max(1, Number(params.get('refresh')) || 10)) * 1000),
    generation: 0,
    timer: null,
    models: [],
    anomalies: [],
    refreshes: 0
  };
  var charts = {};
  window.vitalsCharts = charts;

  var el = function (id) { return document.getElementById(id); };

  // ---- formatting -------------------------------------------------------------------------

  function isNum(v) {
    return typeof v === 'number' && isFinite(v);
  }

  function sig(v, digits) {
    if (v === 0) return '0';
    var a = Math.abs(v);
    if (a >= 1000) return Math.round(v).toLocaleString('en-US');
    if (a >= 100) return v.toFixed(0);
    if (a >= 10) return Number(v.toFixed(1)).toString();
    if (a >= 1) return Number(v.toFixed(digits == null ? 2 : digits)).toString();
    return Number(v.toPrecision(2)).toString();
  }

  var fmt = {
    rate: function (v) { return isNum(v) ? sig(v) : '—'; },
    pct: function (v) {
      if (!isNum(v)) return '—';
      var p = v * 100;
      if (p > 0 && p < 0.01) return '<0.01%';
      return (p === 0 ? '0' : p < 0.1 ? Number(p.toPrecision(1)).toString() : p < 10 ? Number(p.toFixed(1)).toString()
        : p.toFixed(0)) + '%';
    },
    secs: function (v) {
      if (!isNum(v)) return '—';
      if (v === 0) return '0 s';
      if (v < 1) return sig(v * 1000) + ' ms';
      return sig(v) + ' s';
    },
    usd: function (v) {
      if (!isNum(v)) return '—';
      if (v === 0) return '$0';
      return '$' + (Math.abs(v) >= 1 ? v.toFixed(2) : Number(v.toPrecision(2)).toString());
    },
    num: function (v) { return isNum(v) ? sig(v) : '—'; },
    count: function (v) { return isNum(v) ? String(Math.round(v)) : '—'; }
  };

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
  }

  function timeText(ms) {
    return isNum(ms) ? new Date(ms).toLocaleString() : 'now';
  }

  // ---- data access ------------------------------------------------------------------------

  /** GET a JSON document; never throws, never logs: {ok, status, body}. */
  function getJson(path) {
    return fetch(API + path, { headers: { accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) {
        if (!r.ok) {
          return { ok: false, status: r.status };
        }
        return r.json().then(function (body) {
          return { ok: true, status: r.status, body: body };
        }, function () {
          return { ok: false, status: r.status, bad: true };
        });
      }, function () {
        return { ok: false, status: 0 };
      });
  }

  function query(model, range) {
    var q = 'model=' + encodeURIComponent(model);
    return range ? q + '&range=' + encodeURIComponent(range) : q;
  }

  /** Values of {ts, vs} placed on the x positions xs (both ascending, ms), nearest within tolerance. */
  function align(xs, ts, vs, tolerance) {
    var out = new Array(xs.length).fill(null);
    var j = 0;
    for (var i = 0; i < xs.length; i++) {
      while (j + 1 < ts.length && Math.abs(ts[j + 1] - xs[i]) <= Math.abs(ts[j] - xs[i])) j++;
      if (j < ts.length && Math.abs(ts[j] - xs[i]) < tolerance && vs[j] != null) out[i] = vs[j];
    }
    return out;
  }

  function seriesOf(resp, key) {
    var s = resp && resp.series && resp.series[key];
    return Array.isArray(s) ? s : null;
  }

  // ---- chart definitions -------------------------------------------------------------------

  function fromZero(u, min, max) {
    var hi = isNum(max) && max > 0 ? max * 1.1 : 1;
    return [0, hi];
  }

  function ratioRange(u, min, max) {
    return [0, isNum(max) && max > 0.05 ? Math.min(1, max * 1.15) : 0.05];
  }

  /**
   * Each builder turns the API's answers into {lines: [{label, values, scale, fmt, color, dash, width}],
   * axes: [{scale, fmt, side}], bands: [[upperLineIndex, lowerLineIndex]], signals: [keys shaded for anomalies]}.
   */
  var BUILDERS = {
    traffic: function (d) {
      return {
        signals: ['request_rate', 'error_ratio'],
        axes: [{ scale: 'rate', fmt: fmt.rate }, { scale: 'ratio', fmt: fmt.pct, side: 1 }],
        lines: [
          { label: 'Requests (req/s)', values: seriesOf(d.series, 'request_rate'), scale: 'rate', fmt: fmt.rate, color: PALETTE[0], width: 2 },
          { label: 'Errors (% of requests)', values: seriesOf(d.series, 'error_ratio'), scale: 'ratio', fmt: fmt.pct, color: PALETTE[1] }
        ]
      };
    },
    latency: function (d) {
      var lines = [
        { label: 'p50', values: seriesOf(d.series, 'latency_p50'), color: PALETTE[3] },
        { label: 'p95', values: seriesOf(d.series, 'latency_p95'), color: PALETTE[0], width: 2 },
        { label: 'p99', values: seriesOf(d.series, 'latency_p99'), color: PALETTE[1] },
        { label: 'TTFT p95 (streams)', values: seriesOf(d.series, 'ttft_p95'), color: PALETTE[4], dash: [6, 4] }
      ];
      var bands = [];
      var lo = seriesOf(d.series, 'latency_p95_baseline_low');
      var hi = seriesOf(d.series, 'latency_p95_baseline_high');
      if (lo && hi) {
        lines.push({ label: 'p95 baseline high', values: hi, color: cssVar('--band'), band: true });
        lines.push({ label: 'p95 baseline low', values: lo, color: cssVar('--band'), band: true });
        bands.push([lines.length - 2, lines.length - 1]);
      }
      lines.forEach(function (l) { l.scale = 's'; l.fmt = fmt.secs; });
      return {
        signals: ['latency_p50', 'latency_p95', 'latency_p99', 'ttft_p95'],
        axes: [{ scale: 's', fmt: fmt.secs }],
        lines: lines,
        bands: bands
      };
    },
    tokens: function (d) {
      return {
        signals: ['input_tokens_rate', 'output_tokens_rate', 'tokens_per_request'],
        axes: [{ scale: 'tps', fmt: fmt.rate }],
        lines: [
          { label: 'Input (tokens/s)', values: seriesOf(d.series, 'input_tokens_rate'), scale: 'tps', fmt: fmt.rate, color: PALETTE[0], width: 2 },
          { label: 'Output (tokens/s)', values: seriesOf(d.series, 'output_tokens_rate'), scale: 'tps', fmt: fmt.rate, color: PALETTE[2], width: 2 }
        ]
      };
    },
    cost: function (d) {
      var lines = [];
      if (d.perModel && d.perModel.length > 1) {
        d.perModel.forEach(function (pm, i) {
          lines.push({ label: pm.model, values: pm.values, color: PALETTE[(i + 2) % PALETTE.length] });
        });
        lines.push({ label: 'All models', values: seriesOf(d.series, 'cost_per_hour'), color: cssVar('--text'), width: 2, dash: [4, 3] });
      } else {
        lines.push({ label: state.model === '*' ? 'All models' : state.model, values: seriesOf(d.series, 'cost_per_hour'), color: PALETTE[0], width: 2 });
      }
      lines.forEach(function (l) { l.scale = 'usd'; l.fmt = fmt.usd; });
      return { signals: ['cost_per_hour', 'cost_per_query'], axes: [{ scale: 'usd', fmt: fmt.usd }], lines: lines };
    },
    'quality-ratio': qualityBuilder('ratio'),
    'quality-scale': qualityBuilder('scale'),
    'quality-error': qualityBuilder('error'),
    drift: genericBuilder('drift', ['drift'])
  };

  /** /v1/quality and /v1/drift: {timestamps: [ms], series: {name: [number|null]}} on the dashboard's range. */
  function genericBuilder(scale, signals) {
    return function (d) {
      var lines = [];
      var series = d.series && d.series.series;
      Object.keys(series || {}).slice(0, PALETTE.length).forEach(function (name, i) {
        if (Array.isArray(series[name])) {
          lines.push({ label: name, values: series[name], scale: scale, fmt: fmt.num, color: PALETTE[i] });
        }
      });
      return { signals: signals, axes: [{ scale: scale, fmt: fmt.num }], lines: lines };
    };
  }

  /**
   * Quality series are named "<model> <metric>" or "<model> <score> (<source>)"; each family gets its own
   * chart so that accuracy (0-1), a 1-5 helpfulness mean and an RMSE never share an axis.
   */
  var RATIO_METRICS = ['accuracy', 'f1_macro', 'f1_weighted', 'precision_macro', 'recall_macro', 'roc_auc', 'r2',
    'hallucination_rate', 'safety_flag_rate', 'bleu', 'rouge1', 'rouge2', 'rouge_l'];

  function qualityFamily(name) {
    // code evaluators score 0 to 1 (shares, rates and true/false): ratios, not the judge's or people's 1-5
    if (/\(code\)$/.test(name)) return 'ratio';
    if (/\([a-z_]+\)$/.test(name)) return 'scale';
    var metric = name.substring(name.lastIndexOf(' ') + 1);
    return RATIO_METRICS.indexOf(metric) >= 0 ? 'ratio' : 'error';
  }

  function qualityBuilder(family) {
    return function (d) {
      var lines = [];
      var series = d.series && d.series.series;
      Object.keys(series || {}).filter(function (name) {
        return qualityFamily(name) === family && Array.isArray(series[name]) && series[name].some(isNum);
      }).slice(0, PALETTE.length).forEach(function (name, i) {
        // a one-model answer names the metric only: the legend says whose it is
        var label = state.model === '*' ? name : state.model + ' ' + name;
        lines.push({ label: label, values: series[name], scale: family, fmt: fmt.num, color: PALETTE[i] });
      });
      return { signals: ['quality'], axes: [{ scale: family, fmt: fmt.num }], lines: lines };
    };
  }

  // ---- drawing ----------------------------------------------------------------------------

  function chartHeight() {
    return window.innerWidth < 700 ? 190 : 230;
  }

  function anomaliesFor(signals) {
    return state.anomalies.filter(function (a) {
      if (!a || !isNum(a.start)) return false;
      if (state.model !== '*' && a.model && a.model !== '*' && a.model !== state.model) return false;
      return !a.signal || signals.indexOf(a.signal) >= 0;
    });
  }

  /** Shades anomaly intervals behind the lines. */
  function anomalyPlugin(signals) {
    return {
      hooks: {
        drawClear: [function (u) {
          var list = anomaliesFor(signals);
          if (!list.length) return;
          var ctx = u.ctx;
          var left = u.bbox.left;
          var right = u.bbox.left + u.bbox.width;
          ctx.save();
          ctx.fillStyle = cssVar('--anomaly');
          list.forEach(function (a) {
            var x0 = u.valToPos(a.start / 1000, 'x', true);
            var x1 = u.valToPos((isNum(a.end) ? a.end : Date.now()) / 1000, 'x', true);
            var l = Math.max(left, Math.min(x0, x1));
            var r = Math.min(right, Math.max(x0, x1));
            if (r >= l && r > left && l < right) {
              ctx.fillRect(l, u.bbox.top, Math.max(r - l, 3), u.bbox.height);
            }
          });
          ctx.restore();
        }]
      }
    };
  }

  function options(id, spec, width) {
    var axisColor = cssVar('--axis');
    var gridColor = cssVar('--grid');
    // one point (a quality sample) would stretch the time axis over years: show it at the range's end
    var scales = { x: { time: true, range: function (u, min, max) {
      return isNum(min) && isNum(max) && max - min >= 1 ? [min, max] : [(max || Date.now() / 1000) - RANGE_SECONDS[state.range], (max || Date.now() / 1000) + 1];
    } } };
    // at least 80 px between time labels, so they never overlap in a narrow window
    var axes = [{ stroke: axisColor, space: 80, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 } }];
    spec.axes.forEach(function (a) {
      scales[a.scale] = { auto: true, range: a.scale === 'ratio' && id !== 'quality-ratio' ? ratioRange
        : id === 'quality-ratio' ? function (u, min) { return [isNum(min) && min < 0 ? min : 0, 1]; } : id === 'quality-scale' ? looseRange : fromZero };
      axes.push({
        scale: a.scale,
        side: a.side == null ? 3 : a.side,
        stroke: axisColor,
        // as wide as the longest label, so a currency sign is never clipped
        size: axisSize,
        grid: { show: a.side !== 1, stroke: gridColor, width: 1 },
        ticks: { stroke: gridColor, width: 1 },
        values: function (u, splits) { return splits.map(a.fmt); }
      });
    });
    var series = [{
      label: 'Time',
      value: function (u, v, sidx, idx) {
        var t = idx == null ? latest(u.data[0]) : v;
        return t == null ? '—' : new Date(t * 1000).toLocaleTimeString();
      }
    }];
    spec.lines.forEach(function (l) {
      series.push({
        label: l.label,
        scale: l.scale,
        stroke: l.color,
        width: l.band ? 1 : (l.width || 1.5),
        dash: l.dash,
        spanGaps: false,
        // a value without neighbours has no line: draw it as a point
        points: { show: function (u, sidx) { return isolated(u.data[sidx]).length > 0; }, size: 7,
          filter: function (u, sidx) { return isolated(u.data[sidx]); } },
        // with the cursor outside the plot, the legend shows the latest value
        value: function (u, v, sidx, idx) { return l.fmt(idx == null ? latest(u.data[sidx]) : v); }
      });
    });
    return {
      width: width,
      height: chartHeight(),
      scales: scales,
      axes: axes,
      series: series,
      bands: (spec.bands || []).map(function (b) { return { series: [b[0] + 1, b[1] + 1], fill: cssVar('--band') }; }),
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false } },
      plugins: [anomalyPlugin(spec.signals)]
    };
  }

  function axisSize(u, values) {
    var n = 0;
    (values || []).forEach(function (v) { if (v != null && String(v).length > n) n = String(v).length; });
    if (!n) return 50;
    var ctx = u.ctx;
    ctx.save();
    ctx.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';
    var w = 0;
    values.forEach(function (v) { if (v != null) w = Math.max(w, ctx.measureText(String(v)).width); });
    ctx.restore();
    return Math.max(40, Math.ceil(w) + 22);
  }

  function looseRange(u, min, max) {
    if (!isNum(min) || !isNum(max)) return [0, 1];
    var pad = Math.max((max - min) * 0.15, Math.abs(max) * 0.1, 0.1);
    return [Math.min(0, min - pad), max + pad];
  }

  /** Indices of values that have no non-null neighbour (a line cannot show them). */
  function isolated(vs) {
    var out = [];
    for (var i = 0; vs && i < vs.length; i++) {
      if (vs[i] != null && (i === 0 || vs[i - 1] == null) && (i === vs.length - 1 || vs[i + 1] == null)) out.push(i);
    }
    return out;
  }

  function latest(vs) {
    for (var i = (vs ? vs.length : 0) - 1; i >= 0; i--) {
      if (vs[i] != null) return vs[i];
    }
    return null;
  }

  function signature(spec) {
    return spec.lines.map(function (l) { return l.label; }).join('|') + '#' + (spec.bands || []).length;
  }

  /** Draws (or redraws) one chart; returns the number of x positions that have a value. */
  function draw(id, xsMs, spec) {
    var box = el('chart-' + id);
    var panel = box.parentNode;
    var empty = panel.querySelector('.empty');
    var xs = xsMs.map(function (t) { return t / 1000; });
    // uPlot stretches a lone x over years: put an empty position at the range's start
    var lone = xs.length === 1;
    if (lone) xs.unshift(xs[0] - RANGE_SECONDS[state.range]);
    var data = [xs];
    var points = 0;
    spec.lines.forEach(function (l) {
      var vs = Array.isArray(l.values) ? l.values.slice(0, xs.length - (lone ? 1 : 0)) : [];
      if (lone) vs.unshift(null);
      while (vs.length < xs.length) vs.push(null);
      data.push(vs.map(function (v) { return isNum(v) ? v : null; }));
    });
    for (var i = 0; i < xs.length; i++) {
      for (var k = 1; k < data.length; k++) {
        if (data[k][i] != null) { points++; break; }
      }
    }
    box.hidden = false;
    var width = Math.max(240, Math.floor(box.clientWidth || panel.clientWidth || 320));
    var sigText = signature(spec);
    var u = charts[id];
    if (u && u.vitalsSignature === sigText) {
      u.setData(data);
    } else {
      if (u) u.destroy();
      u = new uPlot(options(id, spec, width), data, box);
      u.vitalsSignature = sigText;
      u.vitalsSpec = spec;
      charts[id] = u;
    }
    u.vitalsSpec = spec;
    box.setAttribute('data-points', String(points));
    box.setAttribute('data-model', state.model);
    box.setAttribute('data-range', state.range);
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', summary(panel, spec, data));
    if (empty) empty.hidden = points > 0;
    return points;
  }

  /** A text summary of the chart for screen readers: the latest value of each line. */
  function summary(panel, spec, data) {
    var title = panel.querySelector('h3').firstChild.textContent.trim();
    var parts = spec.lines.map(function (l, k) {
      var vs = data[k + 1];
      for (var i = vs.length - 1; i >= 0; i--) {
        if (vs[i] != null) return l.label + ' ' + l.fmt(vs[i]);
      }
      return l.label + ' no data';
    });
    return title + ', ' + RANGES[state.range] + '. Latest: ' + parts.join('; ') + '.';
  }

  /**
   * Drift per feature: a table with one row per feature and test, a sparkline of its score over the
   * range, the last score against its threshold, drifted features first and highlighted.
   */
  function drawDriftTable(resp) {
    var box = el('drift-table');
    var panel = box.parentNode;
    var empty = panel.querySelector('.empty');
    var body = resp && resp.ok && resp.body && resp.body.series && typeof resp.body.series === 'object' ? resp.body : null;
    var latest = body && body.latest && typeof body.latest === 'object' ? body.latest : {};
    var names = body ? Object.keys(body.series) : [];
    while (box.firstChild) box.removeChild(box.firstChild);
    box.setAttribute('data-model', state.model);
    box.setAttribute('data-rows', String(names.length));
    if (!names.length) {
      box.hidden = true;
      empty.hidden = false;
      // say why: drift needs a reference, which a new server does not have for its first window
      empty.textContent = 'No data yet. Drift is judged against a reference: the first full drift window '
        + '(drift.windowMinutes, an hour by default), or one you set with POST /admin/drift/reference?model=NAME '
        + '(freeze the current traffic, or upload a CSV); the demo sets one after its warm-up.';
      return;
    }
    names.sort(function (a, b) {
      var da = latest[a] && latest[a].drifted ? 0 : 1;
      var db = latest[b] && latest[b].drifted ? 0 : 1;
      return da - db || (a < b ? -1 : a > b ? 1 : 0);
    });
    var table = document.createElement('table');
    table.className = 'drift';
    var head = table.createTHead().insertRow();
    ['Feature (test)', 'Score, ' + RANGES[state.range], 'Last score', 'Threshold', 'Drifted'].forEach(function (t) {
      var th = document.createElement('th');
      th.scope = 'col';
      th.textContent = t;
      head.appendChild(th);
    });
    var tbody = table.createTBody();
    names.forEach(function (name) {
      var info = latest[name] || {};
      var row = tbody.insertRow();
      if (info.drifted) row.className = 'drifted';
      row.insertCell().textContent = name;
      row.insertCell().appendChild(sparkline(body.series[name], info.drifted));
      row.insertCell().textContent = isNum(info.score) ? sig(info.score) : '—';
      row.insertCell().textContent = isNum(info.threshold) ? sig(info.threshold) : '—';
      row.insertCell().textContent = info.drifted ? 'yes' : (info.test ? 'no' : '—');
    });
    box.appendChild(table);
    box.hidden = false;
    empty.hidden = true;
  }

  /** A small inline SVG line of a series (nulls are gaps), with a title for screen readers. */
  function sparkline(values, drifted) {
    var NS = 'http://www.w3.org/2000/svg';
    var w = 120;
    var h = 24;
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('width', String(w));
    svg.setAttribute('height', String(h));
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    svg.setAttribute('role', 'img');
    var nums = (values || []).filter(isNum);
    var title = document.createElementNS(NS, 'title');
    title.textContent = nums.length ? nums.length + ' points, from ' + sig(nums[0]) + ' to ' + sig(nums[nums.length - 1]) : 'no points';
    svg.appendChild(title);
    if (!nums.length) return svg;
    var lo = Math.min.apply(null, nums);
    var hi = Math.max.apply(null, nums);
    var span = hi - lo || 1;
    var n = values.length;
    var d = '';
    var pen = false;
    values.forEach(function (v, i) {
      if (!isNum(v)) {
        pen = false;
        return;
      }
      var x = n === 1 ? w / 2 : (i / (n - 1)) * (w - 2) + 1;
      var y = h - 2 - ((v - lo) / span) * (h - 4);
      d += (pen ? 'L' : 'M') + x.toFixed(1) + ' ' + y.toFixed(1);
      pen = true;
    });
    var path = document.createElementNS(NS, 'path');
    path.setAttribute('d', n === 1 || nums.length === 1 ? d + 'h1' : d);
    path.setAttribute('class', drifted ? 'spark drifted' : 'spark');
    svg.appendChild(path);
    return svg;
  }

  /** A duration in seconds in its largest fitting unit: 42 s, 3.5 min, 2.1 h, 1.0 d. */
  function span(v) {
    if (!isNum(v)) return '—';
    if (v < 60) return sig(v) + ' s';
    if (v < 3600) return sig(v / 60) + ' min';
    if (v < 86400) return sig(v / 3600) + ' h';
    return sig(v / 86400) + ' d';
  }

  /**
   * Delayed ground truth: per model with predictions, the share of the window's predictions that have their actual so far,
   * and the mean label delay of those (from /v1/quality's label_coverage). Hidden when no model has predictions.
   */
  function showLabelCoverage(resp) {
    var p = el('label-coverage');
    var cov = resp && resp.ok && resp.body && resp.body.label_coverage;
    var names = cov && typeof cov === 'object' ? Object.keys(cov) : [];
    var hours = null;
    var parts = names.slice(0, 8).map(function (m) {
      var c = cov[m];
      if (!c || !isNum(c.ratio) || !isNum(c.predictions)) return null;
      if (isNum(c.window_hours)) hours = c.window_hours;
      var s = m + ' ' + fmt.pct(c.ratio) + ' (' + fmt.count(c.with_actual) + ' of ' + fmt.count(c.predictions) + ')';
      if (c.delay && isNum(c.delay.mean_seconds)) s += ', mean delay ' + span(c.delay.mean_seconds);
      return s;
    }).filter(Boolean);
    p.hidden = !parts.length;
    p.setAttribute('data-models', String(parts.length));
    p.textContent = parts.length ? 'Label coverage, predictions of the last ' + (hours === null ? '?' : sig(hours))
      + ' h with their actual so far: ' + parts.join('; ') + (names.length > parts.length ? '; …' : '') : '';
  }

  /** Quality and drift: a chart when the endpoint answered with data, else "No data yet". */
  function drawOptional(id, resp) {
    var box = el('chart-' + id);
    var empty = box.parentNode.querySelector('.empty');
    var ok = resp && resp.ok && resp.body && Array.isArray(resp.body.timestamps) && resp.body.series
      && typeof resp.body.series === 'object';
    var points = 0;
    if (ok) {
      var spec = BUILDERS[id]({ series: resp.body });
      if (spec.lines.length) points = draw(id, resp.body.timestamps, spec);
    }
    if (!points) {
      if (charts[id]) {
        charts[id].destroy();
        delete charts[id];
      }
      box.hidden = true;
      box.setAttribute('data-points', '0');
      box.setAttribute('data-model', state.model);
      box.setAttribute('data-range', state.range);
      empty.hidden = false;
      empty.textContent = 'No data yet.';
    }
  }

  // ---- tiles and anomalies ----------------------------------------------------------------

  function setTile(key, text) {
    var t = el('tile-' + key);
    if (t && t.textContent !== text) t.textContent = text;
  }

  function showOverview(ov) {
    var tiles = (ov && ov.tiles) || {};
    setTile('request_rate', fmt.rate(tiles.request_rate));
    setTile('error_ratio', fmt.pct(tiles.error_ratio));
    setTile('latency_p95', fmt.secs(tiles.latency_p95));
    setTile('ttft_p95', fmt.secs(tiles.ttft_p95));
    var tin = tiles.input_tokens_rate;
    var tout = tiles.output_tokens_rate;
    setTile('tokens_rate', isNum(tin) || isNum(tout) ? fmt.rate((isNum(tin) ? tin : 0) + (isNum(tout) ? tout : 0)) : '—');
    setTile('cost_per_hour', fmt.usd(tiles.cost_per_hour));
    setTile('anomalies_open', fmt.count(ov ? ov.anomalies_open : null));
    judgeTiles(ov || {});
    state.anomalies = ov && Array.isArray(ov.anomalies) ? ov.anomalies : [];
    showAnomalyList(ov && Array.isArray(ov.anomalies) && ov.anomalies.length > 0);
  }

  /**
   * Colours each tile against what it should be: the model's baseline band where the detector has one
   * (with the change against the baseline's mean), the SLO's allowed error ratio and latency threshold,
   * and any open anomaly. The word says it too: colour is never the only signal.
   */
  function judgeTiles(ov) {
    var tiles = ov.tiles || {};
    var base = ov.baselines || {};
    var slo = ov.slo || {};
    var allowedErrors = slo.availability && isNum(slo.availability.objective) ? 1 - slo.availability.objective : null;
    var latencyLimit = slo.latency && isNum(slo.latency.threshold_seconds) ? slo.latency.threshold_seconds : null;
    var judge = function (key, value, baseKey, upOnly, limit, limitText) {
      var level = null;
      var text = '';
      var b = base[baseKey || key];
      if (isNum(value) && b && isNum(b.mean)) {
        var outside = value > b.high || (!upOnly && value < b.low);
        level = outside ? 'bad' : 'ok';
        // ratios change in percentage points (a relative change against a baseline near 0 means nothing)
        text = key === 'error_ratio' ? pointsText(value, b.mean) + ' vs baseline ' + fmt.pct(b.mean)
          : Math.abs(b.mean) > 1e-12 ? changeText(value, b.mean) + ' vs baseline' : 'baseline 0';
        if (outside) text += ', outside its band';
      }
      if (isNum(value) && limit != null) {
        if (value > limit) {
          level = 'bad';
          text = (text ? text + '; ' : '') + 'over ' + limitText;
        } else if (level == null) {
          level = value > limit * 0.5 ? 'warn' : 'ok';
          text = (text ? text + '; ' : '') + 'within ' + limitText;
        }
      }
      var tile = el('tile-' + key).parentNode;
      tile.classList.remove('ok', 'warn', 'bad');
      if (level) tile.classList.add(level);
      tile.setAttribute('data-level', level || 'none');
      var delta = el('delta-' + key);
      if (delta && delta.textContent !== text) delta.textContent = text;
    };
    judge('request_rate', tiles.request_rate, null, false, null, '');
    judge('error_ratio', tiles.error_ratio, null, true, allowedErrors, 'the SLO (' + fmt.pct(allowedErrors) + ')');
    judge('latency_p95', tiles.latency_p95, null, true, latencyLimit, 'the SLO threshold (' + fmt.secs(latencyLimit) + ')');
    judge('ttft_p95', tiles.ttft_p95, null, true, null, '');
    judge('tokens_rate', null, null, false, null, '');
    // the detector learns the cost of one call (traffic moves the hourly cost): the tile says which it compares
    judge('cost_per_hour', tiles.cost_per_query, 'cost_per_query', false, null, '');
    var cd = el('delta-cost_per_hour');
    if (cd.textContent) cd.textContent = 'per call ' + cd.textContent;
    var open = ov.anomalies_open;
    var at = el('tile-anomalies_open').parentNode;
    at.classList.remove('ok', 'warn', 'bad');
    at.classList.add(isNum(open) && open > 0 ? 'bad' : 'ok');
    at.setAttribute('data-level', isNum(open) && open > 0 ? 'bad' : 'ok');
    el('delta-anomalies_open').textContent = isNum(open) && open > 0 ? 'needs a look' : 'none open';
  }

  function pointsText(value, mean) {
    var d = (value - mean) * 100;
    return (d >= 0 ? '+' : '−') + Number(Math.abs(d).toPrecision(2)).toString() + ' pts';
  }

  function changeText(value, mean) {
    var c = (value - mean) / Math.abs(mean) * 100;
    return (c >= 0 ? '+' : '−') + (Math.abs(c) >= 10 ? Math.abs(c).toFixed(0) : Math.abs(c).toFixed(1)) + '%';
  }

  function cell(row, text, cls) {
    var c = row.insertCell();
    c.textContent = text;
    if (cls) c.className = cls;
    return c;
  }

  function table(cls, headers) {
    var t = document.createElement('table');
    t.className = cls;
    var head = t.createTHead().insertRow();
    headers.forEach(function (h) {
      var th = document.createElement('th');
      th.scope = 'col';
      th.textContent = h;
      head.appendChild(th);
    });
    return t;
  }

  /** Availability and latency objectives: actual against objective, error budget left, burn rates. */
  function showSlo(slo) {
    var box = el('slo');
    while (box.firstChild) box.removeChild(box.firstChild);
    var filled = slo && slo.availability && slo.availability.calls > 0;
    box.setAttribute('data-filled', filled ? '1' : '0');
    el('slo-empty').hidden = !!filled;
    el('slo-window').textContent = slo ? 'error budget over ' + slo.window_days + ' days (this server has seen '
      + duration(slo.covered_seconds) + ' of it)' : '';
    if (!filled) return;
    var t = table('slo', ['Objective', 'Target', 'Actual', 'Error budget left', 'Burn rate 1 h', 'Burn rate 5 min']);
    var body = t.createTBody();
    [['Availability (calls that succeed)', slo.availability],
      ['Latency (calls under ' + fmt.secs(slo.latency.threshold_seconds) + ')', slo.latency]].forEach(function (r) {
      var o = r[1];
      var row = body.insertRow();
      row.setAttribute('data-objective', r[0].split(' ')[0].toLowerCase());
      cell(row, r[0]);
      cell(row, pct2(o.objective));
      cell(row, pct2(o.actual), isNum(o.actual) && o.actual < o.objective ? 'bad' : 'ok');
      cell(row, isNum(o.error_budget_left) ? pct2(o.error_budget_left) : '—', isNum(o.error_budget_left) && o.error_budget_left < 0 ? 'bad' : 'ok');
      cell(row, burn(o.burn_rate_1h), isNum(o.burn_rate_1h) && o.burn_rate_1h > 14.4 ? 'bad' : null);
      cell(row, burn(o.burn_rate_5m), isNum(o.burn_rate_5m) && o.burn_rate_5m > 14.4 ? 'bad' : null);
    });
    box.appendChild(t);
  }

  function pct2(v) {
    return isNum(v) ? (Math.round(v * 10000) / 100).toFixed(2) + '%' : '—';
  }

  function burn(v) {
    return isNum(v) ? sig(v) + '×' : '—';
  }

  function duration(s) {
    if (!isNum(s)) return '—';
    if (s < 120) return Math.round(s) + ' s';
    if (s < 7200) return Math.round(s / 60) + ' min';
    if (s < 172800) return sig(s / 3600) + ' h';
    return sig(s / 86400) + ' days';
  }

  /** Spend per gateway API key, most first, against its budget. */
  function showSpend(keys) {
    var box = el('spend');
    while (box.firstChild) box.removeChild(box.firstChild);
    var list = Array.isArray(keys) ? keys.slice() : [];
    box.setAttribute('data-rows', String(list.length));
    el('spend-empty').hidden = list.length > 0;
    if (!list.length) return;
    list.sort(function (a, b) { return (b.spent_usd || 0) - (a.spent_usd || 0); });
    var t = table('spend', ['API key', 'Spent', 'Budget', 'Left']);
    var body = t.createTBody();
    list.slice(0, 50).forEach(function (k) {
      var row = body.insertRow();
      cell(row, k.name);
      cell(row, fmt.usd(k.spent_usd));
      cell(row, isNum(k.budget_usd) ? fmt.usd(k.budget_usd) : 'none');
      cell(row, isNum(k.remaining_usd) ? fmt.usd(k.remaining_usd) : '—', isNum(k.remaining_usd) && k.remaining_usd <= 0 ? 'bad' : null);
    });
    box.appendChild(t);
  }

  function showAnomalyList(present) {
    var section = el('anomalies');
    var list = el('anomaly-list');
    section.hidden = !present;
    if (!present) return;
    while (list.firstChild) list.removeChild(list.firstChild);
    var shown = state.anomalies.filter(function (a) {
      return a && isNum(a.start) && (state.model === '*' || !a.model || a.model === '*' || a.model === state.model);
    });
    if (!shown.length) {
      var li = document.createElement('li');
      li.textContent = 'None reported.';
      list.appendChild(li);
      return;
    }
    shown.slice(0, 50).forEach(function (a) {
      var item = document.createElement('li');
      item.textContent = (a.signal || 'signal') + ' · ' + (a.model || 'all models') + ' · ' + timeText(a.start)
        + ' – ' + (isNum(a.end) ? timeText(a.end) : 'open');
      list.appendChild(item);
    });
  }

  function setModels(models) {
    if (!Array.isArray(models)) return;
    var sel = el('model');
    var key = models.join('\n');
    if (key !== state.models.join('\n')) {
      state.models = models.slice();
      while (sel.options.length > 1) sel.remove(1);
      models.forEach(function (m) {
        var o = document.createElement('option');
        o.value = m;
        o.textContent = m;
        sel.appendChild(o);
      });
    }
    if (state.model !== '*' && models.indexOf(state.model) < 0) {
      var o = document.createElement('option');
      o.value = state.model;
      o.textContent = state.model;
      sel.appendChild(o);
    }
    sel.value = state.model;
  }

  // ---- refresh loop -----------------------------------------------------------------------

  function problem(text) {
    var p = el('problem');
    if (p.textContent !== text) p.textContent = text;
  }

  function describe(resp, what) {
    if (resp.status === 0) return 'Cannot reach the server; retrying.';
    if (resp.status === 401 || resp.status === 403) return 'The dashboard API needs the /metrics credentials (HTTP ' + resp.status + ').';
    return 'Could not load ' + what + ' (HTTP ' + resp.status + '); retrying.';
  }

  function refresh() {
    var gen = ++state.generation;
    var model = state.model;
    var range = state.range;
    clearTimeout(state.timer);
    var base = query(model, range) + '&points=' + POINTS;
    document.body.setAttribute('data-series-url', API + 'dashboard/series?' + base);
    return Promise.all([getJson('dashboard/overview?' + query(model)), getJson('dashboard/series?' + base)])
      .then(function (r) {
        if (gen !== state.generation) return null;
        var ov = r[0];
        var se = r[1];
        if ((ov.status === 404 || se.status === 404) && model !== '*') {
          // the model has no history (the server restarted): fall back to all models
          state.model = '*';
          problem('No history for model ' + model + '; showing all models.');
          return refresh();
        }
        if (!ov.ok || !se.ok) {
          problem(describe(!ov.ok ? ov : se, 'the dashboard data'));
          return null;
        }
        problem('');
        var features = ov.body.features || {};
        var extra = [];
        var models = Array.isArray(se.body.models) ? se.body.models : [];
        var costModels = model === '*' ? models.slice(0, MAX_COST_MODELS) : [];
        extra.push(costModels.length > 1 ? Promise.all(costModels.map(function (m) {
          return getJson('dashboard/series?' + query(m, range) + '&points=' + POINTS);
        })) : Promise.resolve([]));
        extra.push(features.quality ? getJson('quality?' + query(model, range)) : Promise.resolve(null));
        extra.push(features.drift ? getJson('drift?' + query(model, range)) : Promise.resolve(null));
        return Promise.all(extra).then(function (x) {
          if (gen !== state.generation) return null;
          render(ov.body, se.body, costModels, x[0], x[1], x[2]);
          return null;
        });
      })
      .catch(function (e) {
        problem('The dashboard hit an error: ' + (e && e.message ? e.message : e));
      })
      .then(function () {
        if (gen === state.generation) schedule();
      });
  }

  function render(ov, se, costModels, perModelResps, quality, drift) {
    setModels(ov.models || se.models);
    showOverview(ov);
    var xs = Array.isArray(se.timestamps) ? se.timestamps : [];
    var step = isNum(se.step_ms) ? se.step_ms : 10000;
    var perModel = [];
    (perModelResps || []).forEach(function (resp, i) {
      if (resp && resp.ok && Array.isArray(resp.body.timestamps)) {
        perModel.push({
          model: costModels[i],
          values: align(xs, resp.body.timestamps, seriesOf(resp.body, 'cost_per_hour') || [], step)
        });
      }
    });
    var d = { series: se, perModel: perModel };
    ['traffic', 'latency', 'tokens', 'cost'].forEach(function (id) {
      draw(id, xs, BUILDERS[id](d));
    });
    var note = el('cost-note');
    note.hidden = !(costModels.length && state.models.length > MAX_COST_MODELS);
    note.textContent = note.hidden ? '' : 'Lines for the first ' + MAX_COST_MODELS + ' of ' + state.models.length
      + ' models; pick a model for the others.';
    ['quality-ratio', 'quality-scale', 'quality-error'].forEach(function (id) { drawOptional(id, quality); });
    showLabelCoverage(quality);
    showSlo(ov.slo);
    showSpend(ov.spend_by_key);
    drawDriftTable(drift);
    var stepSec = step / 1000;
    el('updated').textContent = 'Updated ' + new Date().toLocaleTimeString() + ' · ' + RANGES[state.range]
      + ' · one point per ' + (stepSec >= 60 ? sig(stepSec / 60) + ' min' : sig(stepSec) + ' s')
      + (state.model === '*' ? ' · all models' : ' · model ' + state.model);
    state.refreshes++;
    document.body.setAttribute('data-refreshes', String(state.refreshes));
    document.body.setAttribute('data-model', state.model);
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = state.auto ? setTimeout(function () {
      if (document.hidden) {
        schedule();
      } else {
        refresh();
      }
    }, state.refreshMs) : null;
  }

  // ---- controls ---------------------------------------------------------------------------

  function remember() {
    var p = new URLSearchParams(location.search);
    p.set('model', state.model);
    p.set('range', state.range);
    if (state.auto) p.delete('auto'); else p.set('auto', 'off');
    history.replaceState(null, '', '?' + p.toString());
  }

  function showAuto() {
    var b = el('auto');
    b.setAttribute('aria-pressed', state.auto ? 'true' : 'false');
    b.textContent = 'Auto refresh: ' + (state.auto ? 'on (' + sig(state.refreshMs / 1000) + ' s)' : 'off');
  }

  function init() {
    if (typeof uPlot !== 'function') {
      problem('The chart library did not load (vendor/uplot/uPlot.iife.min.js).');
      return;
    }
    el('range').value = state.range;
    el('range-label').textContent = RANGES[state.range];
    setModels([]);
    showAuto();
    el('model').addEventListener('change', function (e) {
      state.model = e.target.value || '*';
      remember();
      refresh();
    });
    el('range').addEventListener('change', function (e) {
      state.range = RANGES[e.target.value] ? e.target.value : '1h';
      el('range-label').textContent = RANGES[state.range];
      remember();
      refresh();
    });
    el('auto').addEventListener('click', function () {
      state.auto = !state.auto;
      showAuto();
      remember();
      schedule();
    });
    el('now').addEventListener('click', function () { refresh(); });
    document.addEventListener('visibilitychange', function () {
      if (!document.hidden && state.auto) refresh();
    });
    // charts follow their container's width; a new colour scheme redraws them in its colours
    var pending = false;
    var resize = function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () {
        pending = false;
        Object.keys(charts).forEach(function (id) {
          var box = el('chart-' + id);
          var w = Math.max(240, Math.floor(box.clientWidth));
          var u = charts[id];
          if (u.width !== w || u.height !== chartHeight()) u.setSize({ width: w, height: chartHeight() });
        });
      });
    };
    if (typeof ResizeObserver === 'function') {
      var ro = new ResizeObserver(resize);
      Array.prototype.forEach.call(document.querySelectorAll('.chart'), function (c) { ro.observe(c); });
    }
    window.addEventListener('resize', resize);
    if (window.matchMedia) {
      var mq = window.matchMedia('(prefers-color-scheme: dark)');
      var recolour = function () {
        Object.keys(charts).forEach(function (id) {
          charts[id].destroy();
          delete charts[id];
        });
        refresh();
      };
      if (mq.addEventListener) mq.addEventListener('change', recolour);
    }
    refresh();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
