#!/usr/bin/env bash
# The real AWS CLI against `edgesim serve`: origin access controls and legacy origin access
# identities (SPEC 10), in use by a distribution and not. Usage: origin_access_control_cli_test.sh
# path/to/edgesim
. "$(dirname "$0")/lib.sh" "$1"
start_serve
cf() { aws cloudfront "$@"; }

read -r OAC ETAG < <(cf create-origin-access-control --origin-access-control-config \
  Name=assets,SigningProtocol=sigv4,SigningBehavior=always,OriginAccessControlOriginType=s3 \
  --query '[OriginAccessControl.Id,ETag]' --output text)
[[ $OAC =~ ^E[A-Z0-9]+$ ]] || fail "origin access control id [$OAC]"
expect_error OriginAccessControlAlreadyExists cf create-origin-access-control \
  --origin-access-control-config \
  Name=assets,SigningProtocol=sigv4,SigningBehavior=always,OriginAccessControlOriginType=s3
expect_eq "get" always "$(cf get-origin-access-control --id "$OAC" \
  --query OriginAccessControl.OriginAccessControlConfig.SigningBehavior --output text)"
ETAG=$(cf update-origin-access-control --id "$OAC" --if-match "$ETAG" \
  --origin-access-control-config \
  Name=assets,SigningProtocol=sigv4,SigningBehavior=no-override,OriginAccessControlOriginType=s3 \
  --query ETag --output text)
expect_eq "updated" no-override "$(cf get-origin-access-control-config --id "$OAC" \
  --query OriginAccessControlConfig.SigningBehavior --output text)"
expect_eq "list" "$OAC" "$(cf list-origin-access-controls \
  --query 'OriginAccessControlList.Items[].Id' --output text)"
expect_error NoSuchOriginAccessControl cf get-origin-access-control --id ENOSUCH

cat >"$WORK/dist.json" <<JSON
{
  "CallerReference": "oac-cli", "Comment": "", "Enabled": true,
  "Origins": {"Quantity": 1, "Items": [{"Id": "bucket",
    "DomainName": "assets.s3.eu-west-1.amazonaws.com", "OriginAccessControlId": "$OAC",
    "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
  "DefaultCacheBehavior": {"TargetOriginId": "bucket", "ViewerProtocolPolicy": "allow-all",
    "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}
}
JSON
DIST=$(cf create-distribution --distribution-config "file://$WORK/dist.json" \
  --query Distribution.Id --output text)
expect_eq "config keeps the id" "$OAC" "$(cf get-distribution-config --id "$DIST" \
  --query 'DistributionConfig.Origins.Items[0].OriginAccessControlId' --output text)"
expect_error OriginAccessControlInUse cf delete-origin-access-control --id "$OAC" --if-match "$ETAG"

read -r OAI OAI_ETAG < <(cf create-cloud-front-origin-access-identity \
  --cloud-front-origin-access-identity-config CallerReference=oai-1,Comment=legacy \
  --query '[CloudFrontOriginAccessIdentity.Id,ETag]' --output text)
expect_eq "oai get" legacy "$(cf get-cloud-front-origin-access-identity --id "$OAI" \
  --query CloudFrontOriginAccessIdentity.CloudFrontOriginAccessIdentityConfig.Comment --output text)"
expect_eq "oai list" "$OAI" "$(cf list-cloud-front-origin-access-identities \
  --query 'CloudFrontOriginAccessIdentityList.Items[].Id' --output text)"
cf delete-cloud-front-origin-access-identity --id "$OAI" --if-match "$OAI_ETAG"
expect_error NoSuchCloudFrontOriginAccessIdentity cf get-cloud-front-origin-access-identity --id "$OAI"

# Not in use once the distribution is gone.
D_ETAG=$(cf get-distribution-config --id "$DIST" --query ETag --output text)
jq '.DistributionConfig | .Enabled = false' <(cf get-distribution-config --id "$DIST") >"$WORK/off.json"
D_ETAG=$(cf update-distribution --id "$DIST" --if-match "$D_ETAG" \
  --distribution-config "file://$WORK/off.json" --query ETag --output text)
cf delete-distribution --id "$DIST" --if-match "$D_ETAG"
cf delete-origin-access-control --id "$OAC" --if-match "$ETAG"
expect_error NoSuchOriginAccessControl cf get-origin-access-control --id "$OAC"
echo "PASS origin_access_control_cli_test"
