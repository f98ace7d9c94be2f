#!/usr/bin/env python3
"""Terraform's AWS provider, replayed with boto3: the exact CloudFront calls, in order, that
`terraform apply`, `plan` (refresh), an update and `destroy` make for a distribution with an origin
access control, a response headers policy and an origin request policy, asserting at each step
what the provider reads back and checks (docs/api.md, "Infrastructure-as-code call sequences",
names the provider's source file and function of every step).

Usage: EDGESIM_BINARY=build/edgesim python3 tests/api/terraform_sequence_test.py
"""
import unittest

import botocore.exceptions

import edgesim_serve
from edgesim_serve import Serve

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
DEPLOY_DELAY = 30
TAGS = {"Environment": "test", "Owner": "terraform"}


def provider_distribution_config(caller_reference, comment, oac_id="", orp_id="", rhp_id=""):
    """The DistributionConfig expandDistributionConfig (distribution.go) sends: every optional
    block present and empty, unset ids as empty strings, an S3 origin with OriginAccessIdentity ""."""
    methods = {"Quantity": 2, "Items": ["GET", "HEAD"]}
    disabled = {"Enabled": False, "Quantity": 0}
    return {
        "CallerReference": caller_reference,
        "Aliases": {"Quantity": 0, "Items": []},
        "CacheBehaviors": {"Quantity": 0, "Items": []},
        "Comment": comment,
        "ContinuousDeploymentPolicyId": "",
        "CustomErrorResponses": {"Quantity": 0, "Items": []},
        "DefaultCacheBehavior": {
            "CachePolicyId": CACHING_OPTIMIZED, "Compress": True, "FieldLevelEncryptionId": "",
            "OriginRequestPolicyId": orp_id, "ResponseHeadersPolicyId": rhp_id,
            "TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
            "AllowedMethods": dict(methods, CachedMethods=methods),
            "FunctionAssociations": {"Quantity": 0, "Items": []},
            "LambdaFunctionAssociations": {"Quantity": 0, "Items": []},
            "SmoothStreaming": False, "TrustedKeyGroups": disabled, "TrustedSigners": disabled,
        },
        "DefaultRootObject": "index.html",
        "Enabled": True,
        "HttpVersion": "http2",
        "IsIPV6Enabled": True,
        "Logging": {"Enabled": False, "IncludeCookies": False, "Bucket": "", "Prefix": ""},
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "site", "DomainName": "site.s3.us-east-1.amazonaws.com",
            "ConnectionAttempts": 3, "ConnectionTimeout": 10,
            "CustomHeaders": {"Quantity": 0, "Items": []},
            "OriginAccessControlId": oac_id, "OriginPath": "",
            "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "PriceClass": "PriceClass_All",
        "Restrictions": {"GeoRestriction": {"RestrictionType": "none", "Quantity": 0}},
        "Staging": False,
        "ViewerCertificate": {"CloudFrontDefaultCertificate": True,
                              "MinimumProtocolVersion": "TLSv1"},
        "WebACLId": "",
    }


class TerraformSequence(unittest.TestCase):
    """One `edgesim serve` whose distributions take DEPLOY_DELAY (manual) seconds to deploy, so the
    provider's waiters see InProgress before Deployed."""

    @classmethod
    def setUpClass(cls):
        cls.serve = Serve("--deploy-delay", str(DEPLOY_DELAY))
        cls.cf = edgesim_serve.cloudfront(cls.serve)

    @classmethod
    def tearDownClass(cls):
        cls.serve.stop()

    def assertError(self, code, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            call(**kwargs)
        self.assertEqual(raised.exception.response["Error"]["Code"], code)

    # -- distribution.go ------------------------------------------------------------------------

    def wait_distribution_deployed(self, dist_id):
        """waitDistributionDeployed: statusDistribution (GetDistribution) until Status leaves the
        pending "InProgress" for the target "Deployed". Here the clock moves between polls."""
        polled = self.cf.get_distribution(Id=dist_id)
        self.assertEqual(polled["Distribution"]["Status"], "InProgress")
        self.serve.advance(DEPLOY_DELAY)
        polled = self.cf.get_distribution(Id=dist_id)
        self.assertEqual(polled["Distribution"]["Status"], "Deployed")
        return polled

    def read_distribution(self, dist_id):
        """resourceDistributionRead (GetDistribution), then the tags interceptor's
        ListTagsForResource on the ARN. Asserts every field the provider dereferences without a
        nil check (flattenDefaultCacheBehavior, OriginGroups.Quantity, LastModifiedTime)."""
        output = self.cf.get_distribution(Id=dist_id)
        dist = output["Distribution"]
        config = dist["DistributionConfig"]
        self.assertTrue(output["ETag"])
        for field in ("ARN", "DomainName", "Status", "LastModifiedTime",
                      "InProgressInvalidationBatches"):
            self.assertIn(field, dist)
        self.assertEqual(config["OriginGroups"]["Quantity"], 0)
        behavior = config["DefaultCacheBehavior"]
        self.assertEqual(behavior["AllowedMethods"]["CachedMethods"]["Quantity"], 2)
        for field in ("TrustedKeyGroups", "TrustedSigners", "FunctionAssociations",
                      "LambdaFunctionAssociations"):
            self.assertIn(field, behavior)
        self.assertGreater(config["Origins"]["Quantity"], 0)
        tags = self.cf.list_tags_for_resource(Resource=dist["ARN"])["Tags"]["Items"]
        return output, {tag["Key"]: tag["Value"] for tag in tags}

    def create_distribution(self, config):
        """resourceDistributionCreate: CreateDistributionWithTags, waitDistributionDeployed, read."""
        created = self.cf.create_distribution_with_tags(DistributionConfigWithTags={
            "DistributionConfig": config,
            "Tags": {"Items": [{"Key": k, "Value": v} for k, v in TAGS.items()]}})
        dist_id = created["Distribution"]["Id"]
        self.wait_distribution_deployed(dist_id)
        state, tags = self.read_distribution(dist_id)
        self.assertEqual(tags, TAGS)
        self.assertEqual(state["Distribution"]["Status"], "Deployed")
        return state

    def update_distribution(self, dist_id, config, state_etag):
        """resourceDistributionUpdate: UpdateDistribution with the state's ETag; on
        PreconditionFailed, distroETag (GetDistribution) and once more; wait; read."""
        try:
            self.cf.update_distribution(Id=dist_id, IfMatch=state_etag, DistributionConfig=config)
            retried = False
        except botocore.exceptions.ClientError as error:
            self.assertEqual(error.response["Error"]["Code"], "PreconditionFailed")
            etag = self.cf.get_distribution(Id=dist_id)["ETag"]
            self.cf.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=config)
            retried = True
        self.wait_distribution_deployed(dist_id)
        return self.read_distribution(dist_id)[0], retried

    def delete_distribution(self, dist_id):
        """resourceDistributionDelete: disableDistribution (GetDistribution; UpdateDistribution of
        the config it returned with Enabled false and its ETag; wait), then deleteDistribution
        (distroETag: GetDistribution; DeleteDistribution; waitDistributionDeleted: GetDistribution
        until NoSuchDistribution)."""
        output = self.cf.get_distribution(Id=dist_id)
        self.assertEqual(output["Distribution"]["Status"], "Deployed")
        config = output["Distribution"]["DistributionConfig"]
        self.assertTrue(config["Enabled"])
        config["Enabled"] = False
        self.cf.update_distribution(Id=dist_id, IfMatch=output["ETag"], DistributionConfig=config)
        self.wait_distribution_deployed(dist_id)
        etag = self.cf.get_distribution(Id=dist_id)["ETag"]
        self.cf.delete_distribution(Id=dist_id, IfMatch=etag)
        self.assertError("NoSuchDistribution", self.cf.get_distribution, Id=dist_id)

    # -- the sequences -----------------------------------------------------------------------------

    def test_distribution_apply_refresh_update_destroy(self):
        """The distribution's own sequence, with unset policies sent as empty ids."""
        config = provider_distribution_config("terraform-20240101000000000000000001", "v1")
        state = self.create_distribution(config)
        dist_id = state["Distribution"]["Id"]
        self.assertEqual(state["Distribution"]["DistributionConfig"]["Comment"], "v1")

        # `terraform plan`: the refresh reads again and finds nothing changed.
        refreshed, tags = self.read_distribution(dist_id)
        self.assertEqual(refreshed["ETag"], state["ETag"])
        self.assertEqual(refreshed["Distribution"]["DistributionConfig"],
                         state["Distribution"]["DistributionConfig"])
        self.assertEqual(tags, TAGS)

        # Update with the state's ETag; the ETag changes and the read shows the new comment.
        config["Comment"] = "v2"
        updated, retried = self.update_distribution(dist_id, config, state["ETag"])
        self.assertFalse(retried)
        self.assertNotEqual(updated["ETag"], state["ETag"])
        self.assertEqual(updated["Distribution"]["DistributionConfig"]["Comment"], "v2")

        # A stale state ETag (the state predates the last update): PreconditionFailed, then the
        # provider's re-read ETag succeeds.
        config["Comment"] = "v3"
        updated, retried = self.update_distribution(dist_id, config, state["ETag"])
        self.assertTrue(retried)
        self.assertEqual(updated["Distribution"]["DistributionConfig"]["Comment"], "v3")

        # Tags changed in the configuration: the interceptor's UntagResource and TagResource.
        arn = updated["Distribution"]["ARN"]
        self.cf.untag_resource(Resource=arn, TagKeys={"Items": ["Owner"]})
        self.cf.tag_resource(Resource=arn, Tags={"Items": [{"Key": "Team", "Value": "web"}]})
        self.assertEqual(self.read_distribution(dist_id)[1], {"Environment": "test", "Team": "web"})

        self.delete_distribution(dist_id)

    def test_oac_policies_and_distribution(self):
        """The whole graph: OAC, response headers policy and origin request policy first (each
        Create then Read), the distribution naming them, and destroy in reverse order. Needs the
        origin access control, response headers policy and origin request policy operations."""
        cf = self.cf
        # origin_access_control.go: resourceOriginAccessControlCreate, then Read.
        oac_config = {"Name": "site-oac", "Description": "", "SigningProtocol": "sigv4",
                      "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"}
        oac_id = cf.create_origin_access_control(
            OriginAccessControlConfig=oac_config)["OriginAccessControl"]["Id"]
        oac = cf.get_origin_access_control(Id=oac_id)
        self.assertTrue(oac["ETag"])
        self.assertEqual(oac["OriginAccessControl"]["OriginAccessControlConfig"], oac_config)

        # response_headers_policy.go: Create, then Read (findResponseHeadersPolicyByID).
        rhp_config = {
            "Name": "site-headers", "Comment": "security headers",
            "CustomHeadersConfig": {"Quantity": 1, "Items": [
                {"Header": "X-Env", "Value": "test", "Override": True}]},
            "SecurityHeadersConfig": {
                "ContentTypeOptions": {"Override": True},
                "FrameOptions": {"FrameOption": "DENY", "Override": True},
                "StrictTransportSecurity": {"AccessControlMaxAgeSec": 31536000,
                                            "IncludeSubdomains": True, "Override": True,
                                            "Preload": False}}}
        rhp_id = cf.create_response_headers_policy(
            ResponseHeadersPolicyConfig=rhp_config)["ResponseHeadersPolicy"]["Id"]
        rhp = cf.get_response_headers_policy(Id=rhp_id)
        read_rhp = rhp["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"]
        self.assertEqual(read_rhp["Name"], "site-headers")
        self.assertEqual(read_rhp["CustomHeadersConfig"], rhp_config["CustomHeadersConfig"])
        self.assertEqual(read_rhp["SecurityHeadersConfig"], rhp_config["SecurityHeadersConfig"])

        # origin_request_policy.go: Create, then Read (findOriginRequestPolicyByID).
        orp_config = {
            "Name": "site-forward", "Comment": "",
            "CookiesConfig": {"CookieBehavior": "none"},
            "HeadersConfig": {"HeaderBehavior": "whitelist",
                              "Headers": {"Quantity": 1, "Items": ["Origin"]}},
            "QueryStringsConfig": {"QueryStringBehavior": "all"}}
        orp_id = cf.create_origin_request_policy(
            OriginRequestPolicyConfig=orp_config)["OriginRequestPolicy"]["Id"]
        orp = cf.get_origin_request_policy(Id=orp_id)
        read_orp = orp["OriginRequestPolicy"]["OriginRequestPolicyConfig"]
        self.assertEqual(read_orp["HeadersConfig"], orp_config["HeadersConfig"])
        self.assertEqual(read_orp["QueryStringsConfig"]["QueryStringBehavior"], "all")

        config = provider_distribution_config("terraform-20240101000000000000000002", "site",
                                              oac_id=oac_id, orp_id=orp_id, rhp_id=rhp_id)
        state = self.create_distribution(config)
        dist_id = state["Distribution"]["Id"]
        read = state["Distribution"]["DistributionConfig"]
        self.assertEqual(read["Origins"]["Items"][0]["OriginAccessControlId"], oac_id)
        self.assertEqual(read["DefaultCacheBehavior"]["OriginRequestPolicyId"], orp_id)
        self.assertEqual(read["DefaultCacheBehavior"]["ResponseHeadersPolicyId"], rhp_id)

        # `terraform plan`: every resource read again, nothing changed.
        self.assertEqual(cf.get_origin_access_control(Id=oac_id)["ETag"], oac["ETag"])
        self.assertEqual(cf.get_response_headers_policy(Id=rhp_id)["ETag"], rhp["ETag"])
        self.assertEqual(cf.get_origin_request_policy(Id=orp_id)["ETag"], orp["ETag"])
        self.assertEqual(self.read_distribution(dist_id)[0]["ETag"], state["ETag"])

        # Update the policy in place (whole config, state ETag), then read it back.
        rhp_config["CustomHeadersConfig"]["Items"][0]["Value"] = "staging"
        cf.update_response_headers_policy(Id=rhp_id, IfMatch=rhp["ETag"],
                                          ResponseHeadersPolicyConfig=rhp_config)
        rhp = cf.get_response_headers_policy(Id=rhp_id)
        self.assertEqual(rhp["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"]
                         ["CustomHeadersConfig"]["Items"][0]["Value"], "staging")

        # Destroy: the distribution first (it names the others), then each with its state ETag.
        self.assertError("ResponseHeadersPolicyInUse", cf.delete_response_headers_policy,
                         Id=rhp_id, IfMatch=rhp["ETag"])
        self.delete_distribution(dist_id)
        cf.delete_response_headers_policy(Id=rhp_id, IfMatch=rhp["ETag"])
        cf.delete_origin_request_policy(Id=orp_id, IfMatch=orp["ETag"])
        cf.delete_origin_access_control(Id=oac_id, IfMatch=oac["ETag"])
        self.assertError("NoSuchOriginAccessControl", cf.get_origin_access_control, Id=oac_id)
        self.assertError("NoSuchResponseHeadersPolicy", cf.get_response_headers_policy, Id=rhp_id)
        self.assertError("NoSuchOriginRequestPolicy", cf.get_origin_request_policy, Id=orp_id)


if __name__ == "__main__":
    unittest.main()
