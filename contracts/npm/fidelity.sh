#!/bin/sh
# The fidelity check (make fidelity-check): every official npm client's check
# (contracts/npm/<api>/check.mjs) runs through `standin proxy`, which checks
# each request and response against openapi/<api>.yaml, in front of a fresh
# `standin serve` on a free port. Fails if a check fails or the proxy saw any
# violation; prints the counts of each API.
#
# Environment:
#   GO=go            the go command
#   RECORD_DIR=DIR   also write each API's exchanges to DIR/<api>.jsonl
#                    (make fidelity-record: contracts/testdata/fidelity, which
#                    the Go test TestOfficialClientTrafficReplaysAgainstTheSpec
#                    replays)
#   PRISM=1          also run each check through Stoplight Prism's validating
#                    proxy (npx @stoplight/prism-cli@5 proxy) as an
#                    independent cross-check, and print its counts; 0 skips.
#                    Prism logs each violation and passes the traffic on;
#                    PRISM_ERRORS=1 adds --errors (Prism then answers a
#                    violation with an error of its own, and the check stops
#                    at the first one)
set -u
GO=${GO:-go}
RECORD_DIR=${RECORD_DIR:-}
[ -n "$RECORD_DIR" ] && RECORD_DIR=$(cd "$RECORD_DIR" && pwd)
PRISM=${PRISM:-1}
PRISM_ERRORS=${PRISM_ERRORS:-0}
PRISM_VERSION=5.14.2

work=$(mktemp -d)
serve_pid=
prism_pid=
cleanup() {
	[ -n "$prism_pid" ] && kill "$prism_pid" 2>/dev/null
	[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bin=$work/standin
$GO build -o "$bin" ./cmd/standin || exit 1

# wait_line FILE PATTERN: wait up to 60 s for a line matching PATTERN.
wait_line() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 600 ] && { echo "fidelity: timed out waiting for '$2' in $1" >&2; cat "$1" >&2; return 1; }
		sleep 0.1
	done
}

"$bin" serve --addr 127.0.0.1:0 --quiet >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
wait_line "$work/serve.out" '^standin serving on ' || exit 1
base=$(sed -n 's/^standin serving on \(http:[^ ]*\).*/\1/p' "$work/serve.out")
echo "# standin serve on $base (fresh state, default data set and seed)"

prism=
if [ "$PRISM" = 1 ]; then
	# The prism script itself (not npx, whose child would outlive a kill).
	prism=$(npx --yes -p "@stoplight/prism-cli@$PRISM_VERSION" -- sh -c 'command -v prism') ||
		{ echo "fidelity: cannot install @stoplight/prism-cli@$PRISM_VERSION (PRISM=0 skips the cross-check)" >&2; exit 1; }
fi

status=0
summary=$work/summary
: >"$summary"
for dir in contracts/npm/*/; do
	api=$(basename "$dir")
	prefix=$("$bin" apis -prefix | awk -v a="$api" '$1 == a { print $2 }')
	[ -n "$prefix" ] || { echo "fidelity: no API $api in the list" >&2; status=1; continue; }
	echo "== $api: npm ci"
	(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { status=1; continue; }
	record=$work/$api.jsonl
	[ -n "$RECORD_DIR" ] && record=$RECORD_DIR/$api.jsonl
	echo "== $api: check.mjs through standin proxy on openapi/$api.yaml"
	# ETHORA_CHAT_API_URL would take precedence over STANDIN_URL in the Ethora check.
	(cd "$dir" && env -u ETHORA_CHAT_API_URL "$bin" proxy --api "$api" --target "$base$prefix" \
		--record "$record" --json "$work/$api.json" --fail -- node check.mjs) >"$work/$api.out" 2>&1
	rc=$?
	sed -n '/^# all steps passed/,$p; /^FAIL /p; /^standin proxy: /p' "$work/$api.out"
	[ $rc -eq 0 ] || { echo "fidelity: $api failed (exit $rc); its output:"; cat "$work/$api.out"; status=1; }
	grep "^$api: " "$work/$api.out" >>"$summary"

	[ "$PRISM" = 1 ] || continue
	port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
	errors=
	[ "$PRISM_ERRORS" = 1 ] && errors=--errors
	"$prism" proxy "openapi/$api.yaml" "$base$prefix" $errors \
		-h 127.0.0.1 -p "$port" >"$work/prism-$api.log" 2>&1 &
	prism_pid=$!
	if wait_line "$work/prism-$api.log" 'Prism is listening'; then
		(cd "$dir" && env -u ETHORA_CHAT_API_URL STANDIN_URL="http://127.0.0.1:$port" node check.mjs) >"$work/prism-$api.out" 2>&1
		prc=$?
	else
		prc=1
	fi
	kill "$prism_pid" 2>/dev/null
	wait "$prism_pid" 2>/dev/null
	prism_pid=
	# Prism's log: "Request received" per request, "has returned" per
	# upstream answer, "Violation: request..." and "Violation: response..."
	# per violation (an error or a warning), and with --errors "Request
	# terminated with error" per request it answered itself.
	log=$(sed 's/\x1b\[[0-9;]*m//g' "$work/prism-$api.log")
	req=$(printf '%s\n' "$log" | grep -c 'Request received')
	resp=$(printf '%s\n' "$log" | grep -c 'has returned')
	reqv=$(printf '%s\n' "$log" | grep -c 'Violation: request')
	respv=$(printf '%s\n' "$log" | grep -c 'Violation: response')
	term=$(printf '%s\n' "$log" | grep -c 'Request terminated with error')
	echo "prism $api: $req requests, $resp upstream responses, $reqv request violations, $respv response violations, $term refused by prism; check.mjs exit $prc" | tee -a "$summary"
	# Each violation with the request before it (the checks send one at a time).
	printf '%s\n' "$log" | awk '
		/Request received/ { r = $0; sub(/.*\[HTTP SERVER\] /, "", r); sub(/ ℹ.*/, "", r); req = r }
		/Violation: |Request terminated/ { v = $0; sub(/.*(Violation: |Request terminated with error: )/, "", v); print "  prism: " req ": " v }' |
		sort | uniq -c | head -40
done

echo
echo "# fidelity counts"
cat "$summary"
exit $status
