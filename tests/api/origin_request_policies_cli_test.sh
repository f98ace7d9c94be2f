#!/usr/bin/env bash
# Origin request policies through the unmodified AWS CLI (API 1.8, SPEC 14): create, get,
# get-config, update (If-Match), list managed and custom, delete, and the codes of a missing
# If-Match, a managed policy and an unknown Id. Usage: origin_request_policies_cli_test.sh edgesim
. "$(dirname "$0")/lib.sh" "$1"

start_serve
cf() { aws cloudfront "$@"; }

cat >"$WORK/orp.json" <<'JSON'
{
  "Name": "cli-orp", "Comment": "from the CLI",
  "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": {"Quantity": 1, "Items": ["X-Tenant"]}},
  "CookiesConfig": {"CookieBehavior": "none"},
  "QueryStringsConfig": {"QueryStringBehavior": "all"}
}
JSON
read -r ID ETAG < <(cf create-origin-request-policy --origin-request-policy-config "file://$WORK/orp.json" \
  --query '[OriginRequestPolicy.Id,ETag]' --output text)
expect_eq "get" "cli-orp/whitelist" "$(cf get-origin-request-policy --id "$ID" \
  --query 'OriginRequestPolicy.OriginRequestPolicyConfig.[Name,HeadersConfig.HeaderBehavior]' --output text | tr '\t' /)"
expect_eq "get-config ETag" "$ETAG" "$(cf get-origin-request-policy-config --id "$ID" --query ETag --output text)"
expect_error OriginRequestPolicyAlreadyExists cf create-origin-request-policy \
  --origin-request-policy-config "file://$WORK/orp.json"

sed 's/"Comment": "from the CLI"/"Comment": "updated"/' "$WORK/orp.json" >"$WORK/updated.json"
expect_error InvalidIfMatchVersion cf update-origin-request-policy --id "$ID" \
  --origin-request-policy-config "file://$WORK/updated.json"
expect_error PreconditionFailed cf update-origin-request-policy --id "$ID" --if-match STALE \
  --origin-request-policy-config "file://$WORK/updated.json"
NEW_ETAG=$(cf update-origin-request-policy --id "$ID" --if-match "$ETAG" \
  --origin-request-policy-config "file://$WORK/updated.json" --query ETag --output text)
[ "$NEW_ETAG" != "$ETAG" ] || fail "update kept the ETag"
expect_eq "updated" "updated" "$(cf get-origin-request-policy-config --id "$ID" \
  --query OriginRequestPolicyConfig.Comment --output text)"

expect_eq "list custom" "cli-orp" "$(cf list-origin-request-policies --type custom \
  --query 'OriginRequestPolicyList.Items[].OriginRequestPolicy.OriginRequestPolicyConfig.Name' --output text)"
expect_eq "list managed" "Managed-AllViewer" "$(cf list-origin-request-policies --type managed \
  --query "OriginRequestPolicyList.Items[?OriginRequestPolicy.Id=='216adef6-5c7f-47e4-b989-5492eafa07d3'].OriginRequestPolicy.OriginRequestPolicyConfig.Name" \
  --output text)"
MANAGED_ETAG=$(cf get-origin-request-policy --id 216adef6-5c7f-47e4-b989-5492eafa07d3 --query ETag --output text)
expect_error IllegalDelete cf delete-origin-request-policy \
  --id 216adef6-5c7f-47e4-b989-5492eafa07d3 --if-match "$MANAGED_ETAG"

expect_error InvalidIfMatchVersion cf delete-origin-request-policy --id "$ID"
cf delete-origin-request-policy --id "$ID" --if-match "$NEW_ETAG"
expect_error NoSuchOriginRequestPolicy cf get-origin-request-policy --id "$ID"

# A config file's "OriginRequestPolicies" become the API's custom policies.
cat >"$WORK/file.json" <<'JSON'
{
  "DistributionConfig": {
    "CallerReference": "file", "Comment": "file", "Enabled": true,
    "Origins": {"Quantity": 1, "Items": [{"Id": "o", "DomainName": "origin.example.com",
      "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"}}]},
    "DefaultCacheBehavior": {"TargetOriginId": "o", "ViewerProtocolPolicy": "allow-all",
      "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6", "OriginRequestPolicyId": "orp-from-file"}
  },
  "OriginRequestPolicies": [{"Id": "orp-from-file", "OriginRequestPolicyConfig": {
    "Name": "from-file", "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": {"Quantity": 1, "Items": ["X-Tenant"]}},
    "CookiesConfig": {"CookieBehavior": "none"}, "QueryStringsConfig": {"QueryStringBehavior": "none"}}}]
}
JSON
start_serve --config "$WORK/file.json"
expect_eq "adopted from the config file" "orp-from-file from-file" "$(cf list-origin-request-policies --type custom \
  --query 'OriginRequestPolicyList.Items[].OriginRequestPolicy.[Id,OriginRequestPolicyConfig.Name]' --output text | tr '\t' ' ')"
echo "PASS"
