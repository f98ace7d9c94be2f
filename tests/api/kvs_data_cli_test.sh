#!/usr/bin/env bash
# The KeyValueStore data plane (API 1.12) through the unmodified AWS CLI: put-key, get-key,
# list-keys, delete-key with If-Match, signed with SigV4A. The CLI sends to
# 123456789012.localhost:PORT (the endpoint rule set); HTTP_PROXY takes it to the API port.
# Usage: kvs_data_cli_test.sh edgesim
. "$(dirname "$0")/lib.sh" "$1"

start_serve
PORT=${API##*:}
export AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE=http://localhost:$PORT
export HTTP_PROXY=$API NO_PROXY=127.0.0.1
kvs() { aws cloudfront-keyvaluestore "$@"; }

ARN=$(aws cloudfront create-key-value-store --name kv --query KeyValueStore.ARN --output text)
ETAG=$(kvs describe-key-value-store --kvs-arn "$ARN" --query ETag --output text)
read -r COUNT NEW_ETAG < <(kvs put-key --kvs-arn "$ARN" --key /old --value /new/index.html \
  --if-match "$ETAG" --query '[ItemCount,ETag]' --output text)
expect_eq "put-key counts the key" 1 "$COUNT"
expect_eq "get-key" "/new/index.html" \
  "$(kvs get-key --kvs-arn "$ARN" --key /old --query Value --output text)"
expect_error ConflictException kvs put-key --kvs-arn "$ARN" --key k --value v --if-match "$ETAG"
kvs put-key --kvs-arn "$ARN" --key other --value x --if-match "$NEW_ETAG" >/dev/null
expect_eq "list-keys" "/old other" \
  "$(kvs list-keys --kvs-arn "$ARN" --query 'Items[].Key' --output text | tr '\t' ' ')"
LAST=$(kvs describe-key-value-store --kvs-arn "$ARN" --query ETag --output text)
kvs delete-key --kvs-arn "$ARN" --key other --if-match "$LAST" >/dev/null
expect_error ResourceNotFoundException kvs get-key --kvs-arn "$ARN" --key other
echo "kvs_data_cli_test: all passed"
