#!/bin/sh
# Registers the Node webhook receiver with a running standin (make run),
# runs the SmartLink conformance suite against it, and reports whether the
# receiver accepted every delivery.
#   ADDR  the mock's address (default 127.0.0.1:8080)
#   GO    the go command (default go)
set -u
ADDR=${ADDR:-127.0.0.1:8080}
GO=${GO:-go}
dir=$(dirname "$0")
out=$(mktemp)
node "$dir/receiver.mjs" >"$out" 2>&1 &
pid=$!
url=
for _ in $(seq 100); do
  url=$(sed -n 's/^listening //p' "$out")
  [ -n "$url" ] && break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "the receiver did not start:"; cat "$out"; kill "$pid" 2>/dev/null; exit 1
fi
sub=$(curl -sf -X POST "http://$ADDR/__standin/webhooks" -H 'Content-Type: application/json' \
  -d "{\"api\":\"smartlink\",\"url\":\"$url\"}" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
if [ -z "$sub" ]; then
  echo "could not register $url with http://$ADDR/__standin/webhooks (is make run up?)"; kill "$pid"; exit 1
fi
echo "receiver $url registered as subscription $sub"
$GO run ./cmd/standin conform --target "http://$ADDR/smartlink" --api smartlink
conform=$?
# Let the last deliveries in: wait until the subscription has no attempt
# left that is not final (bounded to 30 s).
for _ in $(seq 300); do
  curl -sf "http://$ADDR/__standin/webhooks/attempts?subscription=$sub&limit=1000" | grep -q '"final":false' || break
  sleep 0.1
done
curl -sf -X DELETE "http://$ADDR/__standin/webhooks/$sub" >/dev/null
kill -TERM "$pid"
wait "$pid"
received=$?
echo "== receiver"; cat "$out"; rm -f "$out"
[ "$conform" -eq 0 ] && [ "$received" -eq 0 ]
