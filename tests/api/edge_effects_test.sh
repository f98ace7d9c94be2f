#!/usr/bin/env bash
# The control plane's effects at the edge, through the real AWS CLI: `--origin` points an origin
# of a distribution the API creates at a local server (which sees the config's DomainName as Host),
# `update-distribution` keeps the cached objects, and on the manual clock an invalidation stays
# InProgress until the clock passes --invalidation-delay, then `wait invalidation-completed`
# returns. Usage: edge_effects_test.sh path/to/edgesim
. "$(dirname "$0")/lib.sh" "$1"

# A local origin answering every GET with the Host it saw.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$WORK/origin.py" <<'PY'
import http.server, sys
class Echo(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("host=" + self.headers.get("Host", "")).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Echo).serve_forever()
PY
python3 "$WORK/origin.py" "$port" &
PIDS+=($!)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

start_serve --manual-clock --invalidation-delay 30 --pops IAD89-C1,FRA56-P1 \
  --origin "app=http://127.0.0.1:$port"

cat >"$WORK/dist.json" <<'JSON'
{
  "CallerReference": "edge-effects", "Comment": "before", "Enabled": true,
  "Origins": {"Quantity": 1, "Items": [{"Id": "app", "DomainName": "app.example.com",
    "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "https-only"}}]},
  "DefaultCacheBehavior": {"TargetOriginId": "app", "ViewerProtocolPolicy": "allow-all",
    "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}
}
JSON
read -r ID DOMAIN < <(aws cloudfront create-distribution --distribution-config "file://$WORK/dist.json" \
  --query 'Distribution.[Id,DomainName]' --output text)

# fetch POP PATH: prints "X-Cache|body".
fetch() {
  local body
  body=$(curl -s -D "$WORK/headers" -H "Host: $DOMAIN" -H "x-edgesim-pop: $1" "$EDGE$2")
  echo "$(tr -d '\r' <"$WORK/headers" | sed -n 's/^[Xx]-[Cc]ache: //p')|$body"
}

expect_eq "--origin, Host kept" "Miss from cloudfront|host=app.example.com" "$(fetch IAD89-C1 /a)"
expect_eq "cached" "Hit from cloudfront|host=app.example.com" "$(fetch IAD89-C1 /a)"
fetch FRA56-P1 /a >/dev/null

ETAG=$(aws cloudfront get-distribution-config --id "$ID" --query ETag --output text)
aws cloudfront get-distribution-config --id "$ID" --query DistributionConfig \
  | sed 's/"Comment": "before"/"Comment": "after"/' >"$WORK/updated.json"
aws cloudfront update-distribution --id "$ID" --if-match "$ETAG" \
  --distribution-config "file://$WORK/updated.json" >/dev/null
expect_eq "update keeps the cache" "Hit from cloudfront|host=app.example.com" "$(fetch IAD89-C1 /a)"
expect_eq "cache entries kept" 1 \
  "$(curl -s "$API/_edgesim/cache?pop=FRA56-P1" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["entries"]))')"

INV=$(aws cloudfront create-invalidation --distribution-id "$ID" --paths '/*' \
  --query Invalidation.Id --output text)
expect_eq "in progress on the manual clock" InProgress \
  "$(aws cloudfront get-invalidation --distribution-id "$ID" --id "$INV" --query Invalidation.Status --output text)"
expect_eq "not yet applied" "Hit from cloudfront|host=app.example.com" "$(fetch IAD89-C1 /a)"
curl -s -X POST -d '{"seconds": 30}' "$API/_edgesim/clock/advance" >/dev/null
# Returns at its first poll: the clock has passed the window.
timeout 15 aws cloudfront wait invalidation-completed --distribution-id "$ID" --id "$INV" \
  || fail "wait invalidation-completed did not return after the clock advance"
echo "ok: wait invalidation-completed"
expect_eq "applied in IAD89-C1" "Miss from cloudfront|host=app.example.com" "$(fetch IAD89-C1 /a)"
expect_eq "applied in FRA56-P1" "Miss from cloudfront|host=app.example.com" "$(fetch FRA56-P1 /a)"
