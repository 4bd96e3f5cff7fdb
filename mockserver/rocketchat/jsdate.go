package rocketchat

import (
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// parseJSDate reads a date as the server's new Date(x) / Date.parse(x) do
// for the forms clients send (the updatedSince of permissions.listAll,
// subscriptions.get and rooms.get, and history's latest and oldest, each
// read with new Date(x) by its route): the ECMAScript date-time
// string format (ECMA-262 §21.4.1.32), the forms Date.prototype.toString
// and toUTCString produce, and RFC 2822 dates. Date-only forms are UTC;
// date-times without an offset are the server's local time, taken to be
// UTC. V8's fallback parser reads further informal forms ("March 11,
// 2025"); those report false, as do invalid dates.
func parseJSDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, ok := parseESDate(s); ok {
		return t, true
	}
	// Date.prototype.toString: "Tue Mar 11 2025 09:14:02 GMT+0000 (Coordinated Universal Time)".
	if i := strings.Index(s, " ("); i > 0 && strings.HasSuffix(s, ")") {
		s = s[:i]
	}
	for _, layout := range []string{"Mon Jan 02 2006 15:04:05 GMT-0700", "Mon Jan 2 2006 15:04:05 GMT-0700", time.RFC1123, time.RFC1123Z} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	if t, err := mail.ParseDate(s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// esDate is the ECMAScript date-time string format, with the separators V8
// also takes (a space for T, an offset without colon) and any number of
// fraction digits.
var esDate = regexp.MustCompile(`^([+-]\d{6}|\d{4})(?:-(\d{2})(?:-(\d{2}))?)?` +
	`(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$`)

func parseESDate(s string) (time.Time, bool) {
	m := esDate.FindStringSubmatch(s)
	if m == nil || m[1] == "-000000" {
		return time.Time{}, false
	}
	num := func(x string, def int) int {
		if x == "" {
			return def
		}
		n, _ := strconv.Atoi(x)
		return n
	}
	year := num(strings.TrimPrefix(m[1], "+"), 0)
	month, day := num(m[2], 1), num(m[3], 1)
	hour, minute, sec := num(m[4], 0), num(m[5], 0), num(m[6], 0)
	if month < 1 || month > 12 || day < 1 || day > 31 || minute > 59 || sec > 59 || hour > 24 ||
		(hour == 24 && (minute != 0 || sec != 0 || strings.Trim(m[7], "0") != "")) {
		return time.Time{}, false
	}
	nanos := 0
	if f := m[7]; f != "" {
		f = (f + "000000000")[:9]
		nanos, _ = strconv.Atoi(f)
	}
	loc := time.UTC
	if z := m[8]; z != "" && z != "Z" {
		sign := 1
		if z[0] == '-' {
			sign = -1
		}
		digits := strings.ReplaceAll(z[1:], ":", "")
		h, mm := num(digits[:2], 0), num(digits[2:], 0)
		if h > 23 || mm > 59 {
			return time.Time{}, false
		}
		loc = time.FixedZone("", sign*(h*3600+mm*60))
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nanos, loc).UTC(), true
}
