#!/usr/bin/env bash
# Response headers policies through the real AWS CLI against `edgesim serve` (docs/api.md 1.9):
# create, get, get-config, update, delete, list, and the managed ones never changing.
# Usage: response_headers_policies_cli_test.sh path/to/edgesim
. "$(dirname "$0")/lib.sh" "$1"
start_serve
cf() { aws cloudfront "$@"; }

cat >"$WORK/rhp.json" <<'JSON'
{
  "Name": "cli-security",
  "Comment": "created by the CLI",
  "SecurityHeadersConfig": {
    "FrameOptions": {"Override": true, "FrameOption": "DENY"},
    "StrictTransportSecurity": {"Override": true, "AccessControlMaxAgeSec": 600,
                                "IncludeSubdomains": true}
  },
  "ServerTimingHeadersConfig": {"Enabled": true, "SamplingRate": 12.5}
}
JSON

read -r ID ETAG < <(cf create-response-headers-policy --response-headers-policy-config "file://$WORK/rhp.json" \
  --query '[ResponseHeadersPolicy.Id,ETag]' --output text)
[[ $ID =~ ^[0-9a-f-]{36}$ ]] || fail "policy id [$ID]"
expect_error ResponseHeadersPolicyAlreadyExists \
  cf create-response-headers-policy --response-headers-policy-config "file://$WORK/rhp.json"
expect_eq "get" "cli-security" "$(cf get-response-headers-policy --id "$ID" \
  --query ResponseHeadersPolicy.ResponseHeadersPolicyConfig.Name --output text)"
expect_eq "get-config" "DENY" "$(cf get-response-headers-policy-config --id "$ID" \
  --query ResponseHeadersPolicyConfig.SecurityHeadersConfig.FrameOptions.FrameOption --output text)"
expect_eq "sampling rate" "12.5" "$(cf get-response-headers-policy-config --id "$ID" \
  --query ResponseHeadersPolicyConfig.ServerTimingHeadersConfig.SamplingRate --output text)"
expect_eq "list custom" "$ID" "$(cf list-response-headers-policies --type custom \
  --query 'ResponseHeadersPolicyList.Items[].ResponseHeadersPolicy.Id' --output text)"
expect_eq "list managed" 5 "$(cf list-response-headers-policies --type managed \
  --query 'length(ResponseHeadersPolicyList.Items)' --output text)"

sed 's/"created by the CLI"/"updated"/' "$WORK/rhp.json" >"$WORK/updated.json"
read -r ETAG2 COMMENT < <(cf update-response-headers-policy --id "$ID" --if-match "$ETAG" \
  --response-headers-policy-config "file://$WORK/updated.json" \
  --query '[ETag,ResponseHeadersPolicy.ResponseHeadersPolicyConfig.Comment]' --output text)
expect_eq "updated comment" updated "$COMMENT"
expect_error PreconditionFailed cf delete-response-headers-policy --id "$ID" --if-match "$ETAG"

MANAGED=67f7725c-6f97-4210-82d7-5512b31e9d03
METAG=$(cf get-response-headers-policy --id "$MANAGED" --query ETag --output text)
expect_error IllegalDelete cf delete-response-headers-policy --id "$MANAGED" --if-match "$METAG"

cf delete-response-headers-policy --id "$ID" --if-match "$ETAG2"
expect_error NoSuchResponseHeadersPolicy cf get-response-headers-policy --id "$ID"
echo "ok: response headers policies through the AWS CLI"
