package faults

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rawServer serves each connection with handle, on a loopback port, until the test ends.
func rawServer(t *testing.T, handle func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				go func() { <-done; c.Close() }()
				bufio.NewReader(c).ReadString('\n') // the request line, then answer however
				handle(c)
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/"
}

// gzipBomb is a gzip stream of n zero bytes, small on the wire.
func gzipBomb(t *testing.T, n int) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for written := 0; written < n; written += len(zeros) {
		zw.Write(zeros)
	}
	zw.Close()
	return buf.Bytes()
}

// residentKiB reads a process's resident memory, current and peak, from /proc.
func residentKiB(t *testing.T, pid int) (now, peak int) {
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		t.Skipf("no /proc to read memory from: %v", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		switch fields[0] {
		case "VmRSS:":
			now, _ = strconv.Atoi(fields[1])
		case "VmHWM:":
			peak, _ = strconv.Atoi(fields[1])
		}
	}
	return now, peak
}

// Hostile targets cost Tocsin a check each, never its memory or its other sites: a slowloris
// that sends its headers a byte a second, endless headers, a 10 GB body, a gzip bomb and a
// server that accepts and never answers are each down with a reason, the normal sites beside
// them keep being checked, and the process stays small.
func TestHostileTargetsCostACheckEach(t *testing.T) {
	t.Parallel()
	bomb := gzipBomb(t, 256<<20)
	hostile := map[string]string{
		"slowloris": rawServer(t, func(c net.Conn) {
			c.Write([]byte("HTTP/1.1 200 OK\r\n"))
			for {
				if _, err := c.Write([]byte("X")); err != nil {
					return
				}
				time.Sleep(time.Second)
			}
		}),
		"endless-headers": rawServer(t, func(c net.Conn) {
			c.Write([]byte("HTTP/1.1 200 OK\r\n"))
			line := []byte("X-Filler: " + strings.Repeat("a", 1000) + "\r\n")
			for {
				if _, err := c.Write(line); err != nil {
					return
				}
			}
		}),
		"ten-gigabytes": rawServer(t, func(c net.Conn) {
			c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10737418240\r\n\r\n"))
			chunk := bytes.Repeat([]byte("x"), 64<<10)
			for {
				if _, err := c.Write(chunk); err != nil {
					return
				}
			}
		}),
		"gzip-bomb": rawServer(t, func(c net.Conn) {
			fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n", len(bomb))
			c.Write(bomb)
		}),
		"never-answers": rawServer(t, func(c net.Conn) {
			time.Sleep(time.Hour) // until the test ends and closes it
		}),
	}
	normal := newFlakyTarget(t) // answers "ok"
	app := startTocsin(t, "DATABASE_URL=sqlite:"+filepath.Join(t.TempDir(), "tocsin.db"))
	ids := map[string]int64{}
	add := func(name, url string) {
		var site struct {
			ID int64 `json:"id"`
		}
		if got := app.call(t, "POST", "/sites", map[string]any{"url": url, "name": name, "keyword": "ok",
			"check_interval_seconds": 2, "timeout_seconds": 1}, &site); got != 201 {
			t.Fatalf("POST /sites %s: %d", name, got)
		}
		ids[name] = site.ID
	}
	for name, url := range hostile {
		add(name, url)
	}
	for i := range 5 {
		add(fmt.Sprintf("normal-%d", i), fmt.Sprintf("%s/normal-%d", normal.URL, i))
	}
	type siteView struct {
		Status    string  `json:"status"`
		LastError *string `json:"last_error"`
	}
	time.Sleep(10 * time.Second) // several checks of every site
	for name := range hostile {
		var s siteView
		app.call(t, "GET", fmt.Sprintf("/sites/%d", ids[name]), nil, &s)
		if s.Status != "down" || s.LastError == nil || *s.LastError == "" || len(*s.LastError) > 300 {
			t.Errorf("%s: %s (%v), want down with a short reason", name, s.Status, s.LastError)
		} else {
			t.Logf("%s: %s", name, *s.LastError)
		}
	}
	for i := range 5 {
		name := fmt.Sprintf("normal-%d", i)
		var history struct {
			Checks []map[string]any `json:"checks"`
		}
		app.call(t, "GET", fmt.Sprintf("/sites/%d/history?limit=100", ids[name]), nil, &history)
		var s siteView
		app.call(t, "GET", fmt.Sprintf("/sites/%d", ids[name]), nil, &s)
		if s.Status != "up" || len(history.Checks) < 4 {
			t.Errorf("%s beside the hostile targets: %s with %d checks in 10 s, want up and checked every 2 s", name, s.Status, len(history.Checks))
		}
	}
	now, peak := residentKiB(t, app.cmd.Process.Pid)
	t.Logf("tocsin's memory after the hostile targets: %d MiB resident, %d MiB at its peak", now>>10, peak>>10)
	if peak > 256<<10 {
		t.Errorf("tocsin's resident memory peaked at %d MiB, want under 256 MiB", peak>>10)
	}
	if resp, err := http.Get(app.url + "/readyz"); err != nil || resp.StatusCode != 200 {
		t.Errorf("/readyz after the hostile targets: %v %v", resp, err)
	}
}
