// Live updates: the server's event stream (/app/live) says a key whenever what this page
// shows may have changed. When it differs from the key the page was rendered with, the page is
// fetched again and its live regions ([data-live-region], by id) are swapped in, with the tab
// title. Without JavaScript, or without EventSource, the page is simply as it was loaded.
(function () {
	"use strict";

	var live = document.getElementById("live");
	if (!live || typeof EventSource === "undefined" || typeof DOMParser === "undefined" || !window.fetch) {
		return;
	}
	var key = live.getAttribute("data-key");
	var announce = document.getElementById("live-status");
	var busy = false;
	var again = false;
	var down = null;

	function swap(html) {
		var doc = new DOMParser().parseFromString(html, "text/html");
		var regions = document.querySelectorAll("[data-live-region]");
		for (var i = 0; i < regions.length; i++) {
			var el = regions[i];
			var fresh = el.id ? doc.getElementById(el.id) : null;
			if (fresh) {
				el.replaceWith(document.importNode(fresh, true));
			}
		}
		var next = doc.getElementById("live");
		if (next) {
			key = next.getAttribute("data-key");
		}
		if (doc.title) {
			document.title = doc.title;
		}
		document.dispatchEvent(new CustomEvent("tocsin:updated"));
	}

	function refresh() {
		if (busy) {
			again = true;
			return;
		}
		busy = true;
		fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" })
			.then(function (r) {
				if (!r.ok) {
					throw new Error("HTTP " + r.status);
				}
				return r.text();
			})
			.then(swap)
			.catch(function () { /* the next change tries again */ })
			.then(function () {
				busy = false;
				if (again) {
					again = false;
					refresh();
				}
			});
	}

	function onChange(e) {
		var ev = JSON.parse(e.data);
		if (down !== null && ev.down !== down && announce) {
			announce.textContent = ev.down === 1 ? "1 site is down" : ev.down + " sites are down";
		}
		down = ev.down;
		if (ev.key !== key) {
			key = ev.key;
			refresh();
		}
	}

	// A browser keeps at most six connections to a server, and a stream holds one: only a page
	// that is shown listens. One brought back is told the current key at once, and catches up.
	var source = null;
	function listen() {
		if (document.visibilityState === "hidden") {
			if (source) {
				source.close();
				source = null;
			}
		} else if (!source) {
			source = new EventSource(live.getAttribute("data-stream"));
			source.addEventListener("change", onChange);
		}
	}
	document.addEventListener("visibilitychange", listen);
	listen();
})();
