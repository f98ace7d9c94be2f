#!/usr/bin/env bash
# TestFunction through the unmodified AWS CLI (`aws cloudfront test-function --event-object
# fileb://...`) on the real runtime (SPEC 15.5): a URL rewrite's FunctionOutput, a viewer-response
# function's console.log lines, a throwing function's FunctionErrorMessage, a loop stopped at the
# compute budget. Usage: functions_examples_cli_test.sh edgesim
. "$(dirname "$0")/lib.sh" "$1"

start_serve --function-compute-budget-ms 50  # far above what the examples need
cf() { aws cloudfront "$@"; }

# create NAME RUNTIME CODE: prints the DEVELOPMENT ETag.
create() {
  printf '%s' "$3" >"$WORK/$1.js"
  cf create-function --name "$1" --function-config "Comment=example,Runtime=$2" \
    --function-code "fileb://$WORK/$1.js" --query ETag --output text
}

cat >"$WORK/request.json" <<'JSON'
{"version": "1.0", "context": {"eventType": "viewer-request"}, "viewer": {"ip": "203.0.113.9"},
 "request": {"method": "GET", "uri": "/docs/", "querystring": {},
             "headers": {"host": {"value": "www.example.org"}}, "cookies": {}}}
JSON
cat >"$WORK/response.json" <<'JSON'
{"version": "1.0", "context": {"eventType": "viewer-response"}, "viewer": {"ip": "203.0.113.9"},
 "request": {"method": "GET", "uri": "/", "querystring": {}, "cookies": {},
             "headers": {"origin": {"value": "https://app.example.org"}}},
 "response": {"statusCode": 200, "statusDescription": "OK", "headers": {}, "cookies": {}}}
JSON

ETAG=$(create rewrite cloudfront-js-1.0 'function handler(event) {
  var r = event.request;
  if (r.uri.endsWith("/")) r.uri += "index.html";
  return r;
}')
OUT=$(cf test-function --name rewrite --if-match "$ETAG" --event-object "fileb://$WORK/request.json" \
  --query TestResult.FunctionOutput --output text)
expect_eq "rewritten uri" /docs/index.html "$(jq -r .request.uri <<<"$OUT")"
UTIL=$(cf test-function --name rewrite --if-match "$ETAG" --event-object "fileb://$WORK/request.json" \
  --query TestResult.ComputeUtilization --output text)
[[ "$UTIL" =~ ^[0-9]+$ ]] && [ "$UTIL" -le 100 ] || fail "ComputeUtilization $UTIL"
echo "ok: ComputeUtilization $UTIL"

ETAG=$(create cors cloudfront-js-2.0 'function handler(event) {
  const origin = event.request.headers.origin.value;
  console.log(`allowing ${origin}`);
  event.response.headers["access-control-allow-origin"] = { value: origin };
  return event.response;
}')
cf test-function --name cors --if-match "$ETAG" --event-object "fileb://$WORK/response.json" \
  --output json >"$WORK/cors.out"
expect_eq "console.log line" '["allowing https://app.example.org"]' \
  "$(jq -c .TestResult.FunctionExecutionLogs "$WORK/cors.out")"
expect_eq "header added" https://app.example.org \
  "$(jq -r '.TestResult.FunctionOutput | fromjson | .response.headers["access-control-allow-origin"].value' "$WORK/cors.out")"

ETAG=$(create throws cloudfront-js-2.0 'function handler(event) { throw new Error("no way"); }')
expect_eq "error message" \
  "The CloudFront function associated with the CloudFront distribution is invalid or could not run. Error: no way (line 1)" \
  "$(cf test-function --name throws --if-match "$ETAG" --event-object "fileb://$WORK/request.json" \
     --query TestResult.FunctionErrorMessage --output text)"

ETAG=$(create spins cloudfront-js-1.0 'function handler(event) { for (;;) {} }')
read -r UTIL MESSAGE < <(cf test-function --name spins --if-match "$ETAG" \
  --event-object "fileb://$WORK/request.json" \
  --query '[TestResult.ComputeUtilization,TestResult.FunctionErrorMessage]' --output text)
expect_eq "budget spent" 100 "$UTIL"
case "$MESSAGE" in *"compute budget"*) echo "ok: $MESSAGE" ;; *) fail "loop: $MESSAGE" ;; esac

expect_error PreconditionFailed cf test-function --name spins --if-match STALE \
  --event-object "fileb://$WORK/request.json"
echo "PASS"
