#!/bin/sh
# coldstart.sh BINARY: the size of a built standin, the time from exec to
# the first 2xx answer of /__standin/health and of a real API call (the
# first call to an API seeds its data set), and the resident memory once
# idle with every API served. RUNS runs (default 5); prints each and the
# median. Needs curl. Used by `make coldstart`.
set -eu
bin=${1:?usage: coldstart.sh BINARY}
runs=${RUNS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now_ms() { date +%s%3N; }
# wait_2xx URL [curl args]: poll until URL answers 2xx.
wait_2xx() {
	url=$1; shift
	i=0
	until curl -fso /dev/null "$@" "$url"; do
		i=$((i + 1))
		[ $i -lt 20000 ] || { echo "no 2xx from $url" >&2; exit 1; }
	done
}

echo "binary: $bin, $(wc -c <"$bin") bytes"
echo "run  health_ms  api_ms  rss_idle_kb"
: >"$tmp/results"
for run in $(seq 1 "$runs"); do
	out=$tmp/out.$run # a file of its own: an earlier run's banner names a stopped server
	start=$(now_ms)
	"$bin" serve --addr 127.0.0.1:0 --quiet >"$out" 2>"$tmp/err" &
	pid=$!
	until base=$(sed -n 's/^standin serving on //p' "$out" 2>/dev/null) && [ -n "$base" ]; do
		kill -0 "$pid" 2>/dev/null || { echo "standin exited:" >&2; cat "$tmp/err" >&2; exit 1; }
	done
	wait_2xx "$base/__standin/health"
	health=$(($(now_ms) - start))
	wait_2xx "$base/smartlink/api/workflow/apps" -H 'x-api-key: standin-smartlink-key'
	api=$(($(now_ms) - start))
	sleep 2
	rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
	kill -INT "$pid"
	wait "$pid"
	echo "$run    $health        $api     $rss"
	echo "$health $api $rss" >>"$tmp/results"
done
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
echo "median: health $(cut -d' ' -f1 "$tmp/results" | median) ms, api $(cut -d' ' -f2 "$tmp/results" | median) ms, rss idle $(cut -d' ' -f3 "$tmp/results" | median) kB"
