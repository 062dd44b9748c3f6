package config

import (
	"net"
	"regexp"
	"strconv"
)

var hostnameRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$`)

func parseHTTP(l *errorList, f field) HTTP {
	h := HTTP{Listen: DefaultListen}
	if f.key == nil {
		return h
	}
	fs := l.fields(f.val, "http", "listen")
	text, line := l.optional(fs, "listen", "http", DefaultListen, f.key.Line)
	if text == "" {
		text = DefaultListen
	}
	h.Listen = text
	if msg := checkListen(text); msg != "" {
		l.add(line, "http.listen", "bad listen address %q: %s", text, msg)
	}
	return h
}

// checkListen validates host:port without resolving or binding anything.
func checkListen(s string) string {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "want host:port or :port, e.g. \":8080\""
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "port must be a number from 1 to 65535"
	}
	if host != "" && net.ParseIP(host) == nil && !hostnameRE.MatchString(host) {
		return "host is neither an IP address nor a host name"
	}
	return ""
}
