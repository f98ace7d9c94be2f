#!/usr/bin/env bash
# CloudFront Functions and key value stores through the unmodified AWS CLI (API 1.11): create,
# describe, get (the raw code), update, publish, list by stage, delete, and their error codes;
# a key value store's create, describe and delete. Usage: functions_cli_test.sh edgesim
. "$(dirname "$0")/lib.sh" "$1"

start_serve
cf() { aws cloudfront "$@"; }

printf 'function handler(event) { return event.request; }' >"$WORK/f.js"
read -r STATUS ETAG < <(cf create-function --name f --function-config Comment=x,Runtime=cloudfront-js-2.0 \
  --function-code "fileb://$WORK/f.js" --query '[FunctionSummary.Status,ETag]' --output text)
expect_eq "created" UNPUBLISHED "$STATUS"
expect_error FunctionAlreadyExists cf create-function --name f \
  --function-config Comment=x,Runtime=cloudfront-js-2.0 --function-code "fileb://$WORK/f.js"
expect_eq "describe" "DEVELOPMENT/$ETAG" "$(cf describe-function --name f \
  --query '[FunctionSummary.FunctionMetadata.Stage,ETag]' --output text | tr '\t' /)"
cf get-function --name f "$WORK/got.js" >/dev/null
expect_eq "get-function writes the code" "$(cat "$WORK/f.js")" "$(cat "$WORK/got.js")"
expect_error NoSuchFunctionExists cf describe-function --name f --stage LIVE

expect_error InvalidIfMatchVersion cf publish-function --name f --if-match ""
expect_error PreconditionFailed cf publish-function --name f --if-match STALE
expect_eq "publish" "LIVE/UNASSOCIATED" "$(cf publish-function --name f --if-match "$ETAG" \
  --query 'FunctionSummary.[FunctionMetadata.Stage,Status]' --output text | tr '\t' /)"

printf 'function handler(event) { return event.response; }' >"$WORK/g.js"
NEW_ETAG=$(cf update-function --name f --if-match "$ETAG" \
  --function-config Comment=y,Runtime=cloudfront-js-2.0 --function-code "fileb://$WORK/g.js" \
  --query ETag --output text)
[ "$NEW_ETAG" != "$ETAG" ] && [ "$NEW_ETAG" != None ] || fail "update-function's ETag: $NEW_ETAG"
cf get-function --name f --stage LIVE "$WORK/live.js" >/dev/null
expect_eq "LIVE keeps the published code" "$(cat "$WORK/f.js")" "$(cat "$WORK/live.js")"

cf create-function --name g --function-config Comment=,Runtime=cloudfront-js-1.0 \
  --function-code "fileb://$WORK/g.js" >/dev/null
expect_eq "list" "f g" "$(cf list-functions --query 'FunctionList.Items[].Name' --output text | tr '\t' ' ')"
expect_eq "list LIVE" "f" "$(cf list-functions --stage LIVE --query 'FunctionList.Items[].Name' --output text)"

expect_error PreconditionFailed cf delete-function --name f --if-match "$ETAG"
cf delete-function --name f --if-match "$NEW_ETAG"
expect_error NoSuchFunctionExists cf describe-function --name f

read -r ARN KVS_ETAG < <(cf create-key-value-store --name kvs --comment data \
  --query '[KeyValueStore.ARN,ETag]' --output text)
case "$ARN" in arn:aws:cloudfront::123456789012:key-value-store/*) ;; *) fail "KVS ARN $ARN" ;; esac
expect_eq "describe-key-value-store" "data" "$(cf describe-key-value-store --name kvs \
  --query KeyValueStore.Comment --output text)"
expect_error EntityAlreadyExists cf create-key-value-store --name kvs
cf delete-key-value-store --name kvs --if-match "$KVS_ETAG"
expect_error EntityNotFound cf describe-key-value-store --name kvs
echo "PASS"
