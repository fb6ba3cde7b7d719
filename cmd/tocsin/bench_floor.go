package main

import (
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strconv"
	"time"
)

// The floor: tocsin bench -floor runs, in place of tocsin, a child that only does what a check
// cannot do without: a GET on a fresh loopback connection with Go's HTTP client, to every site
// of the farm on the same schedule, storing nothing. Its CPU per request is what a check costs
// on this machine at the least, the figure Tocsin's is to be read against: it moves with the
// machine (its syscalls above all) as much as Tocsin's does.

// floorClientCommand is the child's command line's first word. It is not a command of tocsin's
// own: only tocsin bench -floor runs it.
const floorClientCommand = "bench-floor-client"

// startFloorChild starts the bare client on the farm at base (its site i at base/i).
func startFloorChild(s benchSettings, base, dir string) (*benchChild, error) {
	args := []string{floorClientCommand, base, strconv.Itoa(s.sites), s.interval.String()}
	return startChild(exec.Command(s.binary, args...), dir)
}

// floorClient is the child: it GETs base/0 … base/(sites-1), each once an interval, their
// slots spread evenly over it and started on a 50 ms grid as Tocsin's are, until killed.
func floorClient(args []string, stderr io.Writer) int {
	if len(args) != 3 {
		fmt.Fprintln(stderr, "usage: tocsin "+floorClientCommand+" BASE-URL SITES INTERVAL (run by tocsin bench -floor)")
		return 2
	}
	sites, err1 := strconv.Atoi(args[1])
	interval, err2 := time.ParseDuration(args[2])
	if err1 != nil || err2 != nil || sites < 1 || interval <= 0 {
		fmt.Fprintln(stderr, "tocsin "+floorClientCommand+": SITES must be a positive number and INTERVAL a duration")
		return 2
	}
	base := args[0]
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	get := func(i int) {
		resp, err := client.Get(base + "/" + strconv.Itoa(i))
		if err != nil {
			fmt.Fprintln(stderr, err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	const grid = 50 * time.Millisecond
	start := time.Now()
	slot := func(n int) time.Time { // the n-th request's due time: site n%sites, round n/sites
		return start.Add(time.Duration(n/sites)*interval + time.Duration(n%sites)*interval/time.Duration(sites))
	}
	for n := 0; ; {
		now := time.Now()
		for ; !slot(n).Truncate(grid).After(now); n++ {
			go get(n % sites)
		}
		time.Sleep(slot(n).Truncate(grid).Sub(now))
	}
}
