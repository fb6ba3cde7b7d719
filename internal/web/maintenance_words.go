package web

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cronWords says when a recurring window's cron expression opens it, in words ("every Sunday
// at 03:00"), or "" when the expression is too intricate to say well (steps, or both a day of
// the month and a day of the week). The page shows the expression itself beside the words,
// so the words only need to be right when they are given.
func cronWords(expr string) string {
	expr = strings.TrimSpace(expr)
	switch expr {
	case "@yearly", "@annually":
		return "every year on 1 January at 00:00"
	case "@monthly":
		return "on day 1 of every month at 00:00"
	case "@weekly":
		return "every Sunday at 00:00"
	case "@daily", "@midnight":
		return "every day at 00:00"
	case "@hourly":
		return "every hour, on the hour"
	}
	f := strings.Fields(expr)
	if len(f) != 5 {
		return ""
	}
	minute, err := strconv.Atoi(f[0])
	if err != nil || minute < 0 || minute > 59 {
		return ""
	}
	days, ok := dayWords(f[2], f[3], f[4])
	if !ok {
		return ""
	}
	if f[1] == "*" {
		if days != "every day" {
			return ""
		}
		if minute == 0 {
			return "every hour, on the hour"
		}
		return fmt.Sprintf("every hour at %d minutes past", minute)
	}
	hours, ok := cronList(f[1], 0, 23, nil)
	if !ok {
		return ""
	}
	var times []string
	for _, r := range hours {
		if r.from != r.to {
			return "" // every hour of a range: better read in the expression
		}
		times = append(times, fmt.Sprintf("%02d:%02d", r.from, minute))
	}
	return days + " at " + andList(times)
}

// dayWords says which days the day-of-month, month and day-of-week fields pick.
func dayWords(dom, month, dow string) (string, bool) {
	if dom == "?" {
		dom = "*"
	}
	if dow == "?" {
		dow = "*"
	}
	months := ""
	if month != "*" {
		items, ok := cronList(month, 1, 12, monthNames)
		if !ok {
			return "", false
		}
		months = sayRanges(items, func(n int) string { return time.Month(n).String() })
	}
	switch {
	case dom == "*" && dow == "*":
		if months == "" {
			return "every day", true
		}
		return "every day in " + months, true
	case dom == "*":
		items, ok := cronList(dow, 0, 7, dayNames)
		if !ok {
			return "", false
		}
		s := "every " + sayRanges(items, func(n int) string { return time.Weekday(n % 7).String() })
		if months != "" {
			s += " in " + months
		}
		return s, true
	case dow == "*":
		items, ok := cronList(dom, 1, 31, nil)
		if !ok {
			return "", false
		}
		word := "day "
		if len(items) > 1 || items[0].from != items[0].to {
			word = "days "
		}
		s := "on " + word + sayRanges(items, strconv.Itoa)
		if months == "" {
			return s + " of every month", true
		}
		return s + " of " + months, true
	}
	// Both a day of the month and of the week: cron opens on either, which words say badly.
	return "", false
}

var (
	monthNames = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
		"sep": 9, "oct": 10, "nov": 11, "dec": 12}
	dayNames = map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
)

type cronRange struct{ from, to int }

// cronList reads a field that lists values and ranges ("1,15", "mon-fri"); steps and stars
// are not read (false).
func cronList(field string, lo, hi int, names map[string]int) ([]cronRange, bool) {
	var out []cronRange
	value := func(s string) (int, bool) {
		if n, ok := names[strings.ToLower(s)]; ok {
			return n, true
		}
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= lo && n <= hi
	}
	for _, item := range strings.Split(field, ",") {
		a, b, isRange := strings.Cut(item, "-")
		from, ok := value(a)
		if !ok {
			return nil, false
		}
		to := from
		if isRange {
			if to, ok = value(b); !ok || to < from {
				return nil, false
			}
		}
		out = append(out, cronRange{from, to})
	}
	return out, true
}

// sayRanges says values and ranges: "Monday to Friday", "1 and 15", "January, April and July".
func sayRanges(items []cronRange, name func(int) string) string {
	var parts []string
	for _, r := range items {
		if r.from == r.to {
			parts = append(parts, name(r.from))
		} else {
			parts = append(parts, name(r.from)+" to "+name(r.to))
		}
	}
	return andList(parts)
}

// andList joins words as a sentence lists them: "a", "a and b", "a, b and c".
func andList(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}
