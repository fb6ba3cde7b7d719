package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of a process's CPU times in /proc on Linux (USER_HZ, 100 on every
// architecture Go builds for).
const clockTick = 10 * time.Millisecond

// processCPU is the user plus system CPU time process pid has used, read from /proc.
func processCPU(pid int) (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: fields are counted after it.
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: unreadable CPU times", pid)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// processMemory is a process's resident set and its peak, in bytes, from /proc.
func processMemory(pid int) (rss, peak int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("/proc/%d/status %s: %w", pid, name, err)
		}
		if name == "VmRSS" {
			rss = kb << 10
		} else {
			peak = kb << 10
		}
	}
	return rss, peak, sc.Err()
}

// cpuOf sums the CPU time of the processes; one that has gone counts nothing.
func cpuOf(pids []int) map[int]time.Duration {
	used := make(map[int]time.Duration, len(pids))
	for _, pid := range pids {
		if d, err := processCPU(pid); err == nil {
			used[pid] = d
		}
	}
	return used
}

// cpuSince is the CPU the processes used since the earlier reading; a process that started
// since counts all of its time.
func cpuSince(earlier, now map[int]time.Duration) time.Duration {
	var total time.Duration
	for pid, d := range now {
		total += d - earlier[pid]
	}
	return total
}
