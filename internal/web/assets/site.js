// The site page's response-time chart: reads the checks from the page's JSON block and draws
// them with uPlot. Without JavaScript the page still says, under the chart, what it would show.
(function () {
	"use strict";

	var box = document.getElementById("chart");
	var source = document.getElementById("chart-data");
	if (!box || !source || typeof uPlot === "undefined") {
		return;
	}
	var d = JSON.parse(source.textContent);
	var dark = window.matchMedia("(prefers-color-scheme: dark)");
	var plot = null;

	function colour(name) {
		return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
	}

	function ms(u, v) {
		return v == null ? "—" : (Math.round(v * 10) / 10) + " ms";
	}

	// Times are UTC, as everywhere on the page, in 24-hour form.
	function utc(ts) {
		return new Date(ts * 1000).toISOString().replace("T", " ").slice(0, 19);
	}

	function tick(u, splits) {
		var span = u.scales.x.max - u.scales.x.min;
		return splits.map(function (ts) {
			var t = utc(ts);
			if (span > 86400) {
				return t.slice(5, 16);
			}
			return span < 600 ? t.slice(11, 19) : t.slice(11, 16);
		});
	}

	function phase(label, cssVar) {
		return { label: label, stroke: colour(cssVar), width: 1, show: false, value: ms, dash: [4, 3], points: { show: false } };
	}

	function options(width) {
		var axis = colour("--chart-axis");
		var grid = { stroke: colour("--chart-grid"), width: 1 };
		return {
			width: width,
			height: 240,
			// Ticks fall on round UTC times.
			tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
			cursor: { drag: { x: true, y: false } },
			scales: { y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } } },
			axes: [
				{ stroke: axis, grid: grid, ticks: grid, values: tick, space: 80 },
				{ stroke: axis, grid: grid, ticks: grid, size: 60, values: function (u, vals) { return vals.map(function (v) { return v + " ms"; }); } }
			],
			series: [
				{ label: "Time (UTC)", value: function (u, ts) { return ts == null ? "—" : utc(ts); } },
				{ label: "Response time", stroke: colour("--chart-line"), width: 2, value: ms, spanGaps: false, points: { show: false } },
				{ label: "Failed", stroke: colour("--down"), fill: colour("--down"), width: 0, value: ms, paths: function () { return null; }, points: { show: true, size: 8, fill: colour("--down") } },
				phase("DNS", "--muted"),
				phase("Connect", "--pending"),
				phase("TLS", "--paused"),
				phase("Server", "--up"),
				phase("Transfer", "--accent")
			]
		};
	}

	function draw() {
		if (d.t.length < 2) {
			return;
		}
		var shown = plot ? plot.series.map(function (s) { return s.show; }) : null;
		if (plot) {
			plot.destroy();
		}
		var opts = options(box.clientWidth);
		if (shown) {
			opts.series.forEach(function (s, i) { s.show = shown[i]; });
		}
		plot = new uPlot(opts, [d.t, d.passed, d.failed, d.dns, d.connect, d.tls, d.server, d.transfer], box);
	}

	draw();
	dark.addEventListener("change", draw);
	// Live updates (live.js) swap in new chart data: draw it.
	document.addEventListener("tocsin:updated", function () {
		var fresh = document.getElementById("chart-data");
		if (fresh) {
			d = JSON.parse(fresh.textContent);
			draw();
		}
	});
	if (typeof ResizeObserver !== "undefined") {
		var width = box.clientWidth;
		new ResizeObserver(function () {
			if (plot && box.clientWidth !== width) {
				width = box.clientWidth;
				plot.setSize({ width: width, height: 240 });
			}
		}).observe(box);
	}
})();
