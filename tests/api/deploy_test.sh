#!/usr/bin/env bash
# What the CloudFront control-plane API is for, end to end: a deploy script's `aws s3 sync` +
# `create-invalidation` + `wait invalidation-completed` against moto_server (S3) and `edgesim serve`
# (CloudFront), checking what the edge serves. Behaviors Default (*) and api/*: invalidating
# /index.html leaves /api/... cached; "/*" clears both. Usage: deploy_test.sh path/to/edgesim
. "$(dirname "$0")/lib.sh" "$1"
start_moto
# The manual clock never moves: every object stays fresh, so only invalidations evict.
start_serve --manual-clock --invalidation-delay 0 --s3-endpoint "$MOTO"
s3() { aws --endpoint-url "$MOTO" s3 "$@" --acl public-read --only-show-errors; }

mkdir -p "$WORK/site/assets" "$WORK/api"
echo "<h1>v1</h1>" >"$WORK/site/index.html"
echo "console.log('app')" >"$WORK/site/assets/app.3f9a1c.js"
echo '{"v": 1}' >"$WORK/api/data.json"
aws --endpoint-url "$MOTO" s3 mb s3://site >/dev/null
s3 cp "$WORK/site/index.html" s3://site/index.html --cache-control "public, max-age=60" --content-type text/html
s3 sync "$WORK/site/assets" s3://site/assets --cache-control "max-age=31536000, immutable"
s3 cp "$WORK/api/data.json" s3://site/api/data.json --cache-control "max-age=300"

cat >"$WORK/dist.json" <<'JSON'
{
  "CallerReference": "deploy-test", "Comment": "", "Enabled": true,
  "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": "site.s3.us-east-1.amazonaws.com",
    "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
  "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "allow-all",
    "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
  "CacheBehaviors": {"Quantity": 1, "Items": [{"PathPattern": "api/*", "TargetOriginId": "site",
    "ViewerProtocolPolicy": "allow-all", "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}]}
}
JSON
read -r ID DOMAIN < <(aws cloudfront create-distribution --distribution-config "file://$WORK/dist.json" \
  --query 'Distribution.[Id,DomainName]' --output text)
[ -n "$DOMAIN" ] || fail "create-distribution"

# fetch PATH: prints "X-Cache|body".
fetch() {
  local headers body
  body=$(curl -s -D "$WORK/headers" -H "Host: $DOMAIN" "$EDGE$1")
  headers=$(tr -d '\r' <"$WORK/headers" | sed -n 's/^[Xx]-[Cc]ache: //p')
  echo "$headers|$body"
}
invalidate() {
  local inv
  inv=$(aws cloudfront create-invalidation --distribution-id "$ID" --paths "$@" --query Invalidation.Id --output text)
  aws cloudfront wait invalidation-completed --distribution-id "$ID" --id "$inv"
}

expect_eq "first fetch" "Miss from cloudfront|<h1>v1</h1>" "$(fetch /index.html)"
expect_eq "second fetch" "Hit from cloudfront|<h1>v1</h1>" "$(fetch /index.html)"
expect_eq "hashed asset" "Miss from cloudfront|console.log('app')" "$(fetch /assets/app.3f9a1c.js)"
expect_eq "hashed asset again" "Hit from cloudfront|console.log('app')" "$(fetch /assets/app.3f9a1c.js)"
expect_eq "api first" 'Miss from cloudfront|{"v": 1}' "$(fetch /api/data.json)"
expect_eq "api again" 'Hit from cloudfront|{"v": 1}' "$(fetch /api/data.json)"

# Deploy v2: S3 has it, the edge still serves v1 until invalidated.
echo "<h1>v2</h1>" >"$WORK/site/index.html"
echo '{"v": 2}' >"$WORK/api/data.json"
s3 sync "$WORK/site" s3://site --exclude 'assets/*' --cache-control "public, max-age=60"
s3 cp "$WORK/api/data.json" s3://site/api/data.json --cache-control "max-age=300"
expect_eq "stale until invalidated" "Hit from cloudfront|<h1>v1</h1>" "$(fetch /index.html)"

invalidate /index.html
expect_eq "after /index.html invalidation" "Miss from cloudfront|<h1>v2</h1>" "$(fetch /index.html)"
expect_eq "then cached" "Hit from cloudfront|<h1>v2</h1>" "$(fetch /index.html)"
expect_eq "api/* untouched" 'Hit from cloudfront|{"v": 1}' "$(fetch /api/data.json)"

echo "<h1>v3</h1>" >"$WORK/site/index.html"
s3 sync "$WORK/site" s3://site --exclude 'assets/*' --cache-control "public, max-age=60"
invalidate "/*"
expect_eq "after /* : index" "Miss from cloudfront|<h1>v3</h1>" "$(fetch /index.html)"
expect_eq "after /* : index cached" "Hit from cloudfront|<h1>v3</h1>" "$(fetch /index.html)"
expect_eq "after /* : api" 'Miss from cloudfront|{"v": 2}' "$(fetch /api/data.json)"
expect_eq "after /* : asset refetched" "Miss from cloudfront|console.log('app')" "$(fetch /assets/app.3f9a1c.js)"
echo "PASS"
