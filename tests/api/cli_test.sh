#!/usr/bin/env bash
# The real AWS CLI against `edgesim serve`'s CloudFront API: a distribution's whole life through
# CloudFront's API, every output checked. Usage: cli_test.sh path/to/edgesim
. "$(dirname "$0")/lib.sh" "$1"
start_serve --invalidation-delay 0
cf() { aws cloudfront "$@"; }

cat >"$WORK/dist.json" <<'JSON'
{
  "CallerReference": "cli-test-1",
  "Comment": "created by cli_test.sh",
  "Enabled": true,
  "Origins": {"Quantity": 1, "Items": [{"Id": "origin-1", "DomainName": "origin.example.com",
    "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443, "OriginProtocolPolicy": "http-only"}}]},
  "DefaultCacheBehavior": {"TargetOriginId": "origin-1", "ViewerProtocolPolicy": "allow-all",
    "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}
}
JSON

read -r ID STATUS DOMAIN < <(cf create-distribution --distribution-config "file://$WORK/dist.json" \
  --query 'Distribution.[Id,Status,DomainName]' --output text)
[[ $ID =~ ^E[A-Z0-9]+$ ]] || fail "distribution id [$ID]"
expect_eq "created status" InProgress "$STATUS"
[[ $DOMAIN == *.cloudfront.net ]] || fail "domain name [$DOMAIN]"
expect_error DistributionAlreadyExists cf create-distribution --distribution-config "file://$WORK/dist.json"

expect_eq "list-distributions" "$ID" "$(cf list-distributions --query 'DistributionList.Items[].Id' --output text)"
expect_eq "list quantity" 1 "$(cf list-distributions --no-paginate --query 'DistributionList.Quantity' --output text)"
expect_eq "deployed" Deployed "$(cf get-distribution --id "$ID" --query Distribution.Status --output text)"
cf wait distribution-deployed --id "$ID"
echo "ok: wait distribution-deployed"

ETAG=$(cf get-distribution-config --id "$ID" --query ETag --output text)
[[ $ETAG =~ ^[A-Z0-9]+$ ]] || fail "ETag [$ETAG]"
expect_eq "get-distribution-config comment" "created by cli_test.sh" \
  "$(cf get-distribution-config --id "$ID" --query DistributionConfig.Comment --output text)"
cf get-distribution-config --id "$ID" --query DistributionConfig >"$WORK/config.json"
sed 's/"Comment": "created by cli_test.sh"/"Comment": "updated"/' "$WORK/config.json" >"$WORK/updated.json"
read -r ETAG2 COMMENT < <(cf update-distribution --id "$ID" --if-match "$ETAG" \
  --distribution-config "file://$WORK/updated.json" \
  --query '[ETag,Distribution.DistributionConfig.Comment]' --output text)
expect_eq "updated comment" updated "$COMMENT"
[ "$ETAG2" != "$ETAG" ] || fail "the ETag did not change on update"
expect_error PreconditionFailed cf update-distribution --id "$ID" --if-match "$ETAG" \
  --distribution-config "file://$WORK/updated.json"

read -r INV1 STATUS1 < <(cf create-invalidation --distribution-id "$ID" --paths /index.html "/images/*" \
  --query 'Invalidation.[Id,Status]' --output text)
[[ $INV1 =~ ^I[A-Z0-9]+$ ]] || fail "invalidation id [$INV1]"
expect_eq "paths echoed" "/index.html	/images/*" \
  "$(cf get-invalidation --distribution-id "$ID" --id "$INV1" --query 'Invalidation.InvalidationBatch.Paths.Items' --output text)"

cat >"$WORK/batch.json" <<'JSON'
{"CallerReference": "deploy-42", "Paths": {"Quantity": 2, "Items": ["/app.js", "/css/*"]}}
JSON
cat >"$WORK/conflict.json" <<'JSON'
{"CallerReference": "deploy-42", "Paths": {"Quantity": 1, "Items": ["/other.js"]}}
JSON
INV2=$(cf create-invalidation --distribution-id "$ID" --invalidation-batch "file://$WORK/batch.json" \
  --query Invalidation.Id --output text)
expect_eq "idempotent retry" "$INV2" "$(cf create-invalidation --distribution-id "$ID" \
  --invalidation-batch "file://$WORK/batch.json" --query Invalidation.Id --output text)"
# SPEC 6.4: the observed answer is 400 InvalidArgument ("...caller reference that was used...").
expect_error InvalidArgument cf create-invalidation --distribution-id "$ID" \
  --invalidation-batch "file://$WORK/conflict.json"
cf wait invalidation-completed --distribution-id "$ID" --id "$INV2"
echo "ok: wait invalidation-completed"
expect_eq "completed" Completed \
  "$(cf get-invalidation --distribution-id "$ID" --id "$INV2" --query Invalidation.Status --output text)"
expect_eq "list-invalidations, newest first" "$INV2	$INV1" \
  "$(cf list-invalidations --distribution-id "$ID" --query 'InvalidationList.Items[].Id' --output text)"
expect_eq "list-invalidations, paginated by 1" "$INV2	$INV1" \
  "$(cf list-invalidations --distribution-id "$ID" --page-size 1 --query 'InvalidationList.Items[].Id' --output text | paste -s -)"
expect_error NoSuchInvalidation cf get-invalidation --distribution-id "$ID" --id INOSUCHINVALID

expect_error DistributionNotDisabled cf delete-distribution --id "$ID" --if-match "$ETAG2"
sed 's/"Enabled": true/"Enabled": false/' "$WORK/updated.json" >"$WORK/disabled.json"
ETAG3=$(cf update-distribution --id "$ID" --if-match "$ETAG2" --distribution-config "file://$WORK/disabled.json" \
  --query ETag --output text)
expect_eq "disabled" False "$(cf get-distribution --id "$ID" --query Distribution.DistributionConfig.Enabled --output text)"
cf delete-distribution --id "$ID" --if-match "$ETAG3"
echo "ok: delete-distribution"
expect_error NoSuchDistribution cf get-distribution --id "$ID"
expect_eq "list after delete" 0 "$(cf list-distributions --no-paginate --query 'DistributionList.Quantity' --output text)"
echo "PASS"
