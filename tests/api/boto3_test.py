#!/usr/bin/env python3
"""boto3 against `edgesim serve`'s CloudFront API: every implemented operation, pagination,
waiters, and every error code docs/api.md lists.

Usage: EDGESIM_BINARY=build/edgesim python3 tests/api/boto3_test.py
"""
import json
import threading
import unittest
import urllib.error
import urllib.request

import botocore.exceptions

import edgesim_serve
from edgesim_serve import CACHING_OPTIMIZED, Serve, distribution_config


def batch(ref, *paths, quantity=None):
    return {"CallerReference": ref,
            "Paths": {"Quantity": len(paths) if quantity is None else quantity,
                      "Items": list(paths)}}


CACHE_POLICY = {
    "Name": "boto3-policy", "Comment": "", "DefaultTTL": 86400, "MaxTTL": 31536000, "MinTTL": 1,
    "ParametersInCacheKeyAndForwardedToOrigin": {
        "EnableAcceptEncodingGzip": True, "EnableAcceptEncodingBrotli": True,
        "HeadersConfig": {"HeaderBehavior": "none"}, "CookiesConfig": {"CookieBehavior": "none"},
        "QueryStringsConfig": {"QueryStringBehavior": "none"}},
}


class CloudFrontTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.serve = Serve("--invalidation-delay", "5")
        cls.cf = edgesim_serve.cloudfront(cls.serve)

    @classmethod
    def tearDownClass(cls):
        cls.serve.stop()

    def assertError(self, code, call, *args, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            call(*args, **kwargs)
        self.assertEqual(raised.exception.response["Error"]["Code"], code,
                         raised.exception.response)
        return raised.exception.response

    def create(self, ref, **kwargs):
        return self.cf.create_distribution(DistributionConfig=distribution_config(ref, **kwargs))

    # --- Distributions ------------------------------------------------------------------------

    def test_distribution_lifecycle(self):
        created = self.create("life")
        dist = created["Distribution"]
        self.assertEqual(created["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertRegex(dist["Id"], r"^E[A-Z0-9]+$")
        self.assertEqual(created["Location"],
                         "https://cloudfront.amazonaws.com/2020-05-31/distribution/" + dist["Id"])
        self.assertTrue(dist["ARN"].startswith("arn:aws:cloudfront::"))
        self.assertTrue(dist["DomainName"].endswith(".cloudfront.net"))
        self.assertEqual(dist["InProgressInvalidationBatches"], 0)
        self.assertEqual(dist["DistributionConfig"]["Origins"]["Items"][0]["Id"], "origin-1")
        etag = created["ETag"]

        got = self.cf.get_distribution(Id=dist["Id"])
        self.assertEqual(got["ETag"], etag)
        self.assertEqual(got["Distribution"]["Status"], "Deployed")
        self.cf.get_waiter("distribution_deployed").wait(
            Id=dist["Id"], WaiterConfig={"Delay": 1, "MaxAttempts": 3})
        config = self.cf.get_distribution_config(Id=dist["Id"])
        self.assertEqual(config["ETag"], etag)
        self.assertEqual(config["DistributionConfig"]["CallerReference"], "life")

        new_config = dict(config["DistributionConfig"], Comment="changed", Enabled=False)
        self.assertError("InvalidIfMatchVersion", self.cf.update_distribution,
                         Id=dist["Id"], DistributionConfig=new_config, IfMatch="")
        self.assertError("PreconditionFailed", self.cf.update_distribution,
                         Id=dist["Id"], DistributionConfig=new_config, IfMatch="E0STALE0ETAG0")
        updated = self.cf.update_distribution(Id=dist["Id"], DistributionConfig=new_config,
                                              IfMatch=etag)
        self.assertNotEqual(updated["ETag"], etag)
        self.assertEqual(updated["Distribution"]["DistributionConfig"]["Comment"], "changed")
        self.assertError("PreconditionFailed", self.cf.delete_distribution, Id=dist["Id"],
                         IfMatch=etag)
        self.cf.delete_distribution(Id=dist["Id"], IfMatch=updated["ETag"])
        self.assertError("NoSuchDistribution", self.cf.get_distribution, Id=dist["Id"])

    def test_create_errors(self):
        self.create("dup")
        response = self.assertError("DistributionAlreadyExists", self.create, "dup")
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 409)
        self.assertError("NoSuchOrigin", self.create, "no-origin", target="elsewhere")
        self.assertError("NoSuchCachePolicy", self.create, "no-policy",
                         cache_policy="00000000-0000-0000-0000-000000000000")
        bad = distribution_config("bad-quantity")
        bad["Origins"]["Quantity"] = 2
        self.assertError("InconsistentQuantities", self.cf.create_distribution,
                         DistributionConfig=bad)

    def test_origin_groups_round_trip(self):
        # SPEC 12.1: OriginGroups through the REST-XML API and back, and the rules it keeps.
        config = distribution_config("groups", target="group-1")
        backup = dict(config["Origins"]["Items"][0], Id="origin-2",
                      DomainName="backup.example.com")
        config["Origins"] = {"Quantity": 2, "Items": [config["Origins"]["Items"][0], backup]}
        group = {"Id": "group-1",
                 "FailoverCriteria": {"StatusCodes": {"Quantity": 3, "Items": [500, 503, 404]}},
                 "Members": {"Quantity": 2, "Items": [{"OriginId": "origin-1"},
                                                      {"OriginId": "origin-2"}]},
                 "SelectionCriteria": "default"}
        config["OriginGroups"] = {"Quantity": 1, "Items": [group]}
        created = self.cf.create_distribution(DistributionConfig=config)
        got = self.cf.get_distribution_config(Id=created["Distribution"]["Id"])
        self.assertEqual(got["DistributionConfig"]["OriginGroups"],
                         {"Quantity": 1, "Items": [group]})
        self.assertEqual(got["DistributionConfig"]["DefaultCacheBehavior"]["TargetOriginId"],
                         "group-1")

        post = json.loads(json.dumps(config))
        post["CallerReference"] = "groups-post"
        methods = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
        post["DefaultCacheBehavior"]["AllowedMethods"] = {"Quantity": 7, "Items": methods}
        response = self.assertError("InvalidArgument", self.cf.create_distribution,
                                    DistributionConfig=post)
        self.assertIn("The parameter AllowedMethods cannot include POST, PUT, PATCH, or DELETE "
                      "for a cached behavior associated with an origin group.",
                      response["Error"]["Message"])
        bad_code = json.loads(json.dumps(config))
        bad_code["CallerReference"] = "groups-501"
        bad_code["OriginGroups"]["Items"][0]["FailoverCriteria"]["StatusCodes"] = {
            "Quantity": 1, "Items": [501]}
        self.assertError("InvalidArgument", self.cf.create_distribution,
                         DistributionConfig=bad_code)

    def test_delete_needs_disabled(self):
        created = self.create("enabled")
        self.assertError("DistributionNotDisabled", self.cf.delete_distribution,
                         Id=created["Distribution"]["Id"], IfMatch=created["ETag"])
        self.assertError("InvalidIfMatchVersion", self.cf.delete_distribution,
                         Id=created["Distribution"]["Id"], IfMatch="")

    def test_create_with_tags_and_tagging(self):
        created = self.cf.create_distribution_with_tags(DistributionConfigWithTags={
            "DistributionConfig": distribution_config("tagged"),
            "Tags": {"Items": [{"Key": "team", "Value": "web"}]}})
        arn = created["Distribution"]["ARN"]
        self.assertEqual(self.cf.list_tags_for_resource(Resource=arn)["Tags"]["Items"],
                         [{"Key": "team", "Value": "web"}])
        self.cf.tag_resource(Resource=arn, Tags={"Items": [{"Key": "env", "Value": "ci"}]})
        self.cf.untag_resource(Resource=arn, TagKeys={"Items": ["team"]})
        self.assertEqual(self.cf.list_tags_for_resource(Resource=arn)["Tags"]["Items"],
                         [{"Key": "env", "Value": "ci"}])

    def test_list_distributions_paginates(self):
        for i in range(3):
            self.create(f"page-{i}")
        pages = list(self.cf.get_paginator("list_distributions").paginate(
            PaginationConfig={"PageSize": 1}))
        self.assertGreaterEqual(len(pages), 3)
        ids = [d["Id"] for p in pages for d in p["DistributionList"].get("Items", [])]
        self.assertEqual(len(ids), len(set(ids)))
        total = self.cf.list_distributions()["DistributionList"]
        self.assertEqual(total["Quantity"], len(ids))
        self.assertFalse(total["IsTruncated"])
        first = self.cf.list_distributions(MaxItems="1")["DistributionList"]
        self.assertTrue(first["IsTruncated"])
        self.assertEqual(first["NextMarker"], first["Items"][0]["Id"])
        self.assertError("InvalidArgument", self.cf.list_distributions, MaxItems="many")

    # --- Invalidations ------------------------------------------------------------------------

    def test_invalidations_waiter_and_pagination(self):
        dist = self.create("inv")["Distribution"]["Id"]
        created = self.cf.create_invalidation(DistributionId=dist,
                                              InvalidationBatch=batch("b1", "/index.html"))
        inv = created["Invalidation"]
        self.assertEqual(created["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertEqual(created["Location"],
                         f"https://cloudfront.amazonaws.com/2020-05-31/distribution/{dist}"
                         f"/invalidation/{inv['Id']}")
        self.assertEqual(inv["Status"], "InProgress")
        self.assertEqual(
            self.cf.get_distribution(Id=dist)["Distribution"]["InProgressInvalidationBatches"], 1)
        # The waiter polls every second while the (manual) clock passes the 5 s delay.
        waiter = threading.Thread(target=self.cf.get_waiter("invalidation_completed").wait,
                                  kwargs={"DistributionId": dist, "Id": inv["Id"],
                                          "WaiterConfig": {"Delay": 1, "MaxAttempts": 20}})
        waiter.start()
        self.serve.advance(6)
        waiter.join(timeout=30)
        self.assertFalse(waiter.is_alive())
        self.assertEqual(self.cf.get_invalidation(DistributionId=dist, Id=inv["Id"])
                         ["Invalidation"]["Status"], "Completed")

        again = self.cf.create_invalidation(DistributionId=dist,
                                            InvalidationBatch=batch("b1", "/index.html"))
        self.assertEqual(again["Invalidation"]["Id"], inv["Id"])
        # SPEC 6.4: real CloudFront was observed answering 400 InvalidArgument (the docs name
        # InvalidationBatchAlreadyExists, which serve's default does not use).
        conflict = self.assertError("InvalidArgument", self.cf.create_invalidation,
                                    DistributionId=dist, InvalidationBatch=batch("b1", "/other"))
        self.assertEqual(conflict["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertIn("caller reference", conflict["Error"]["Message"])
        for i in range(2, 5):
            self.cf.create_invalidation(DistributionId=dist, InvalidationBatch=batch(f"b{i}", "/x"))
        pages = list(self.cf.get_paginator("list_invalidations").paginate(
            DistributionId=dist, PaginationConfig={"PageSize": 2}))
        self.assertEqual(len(pages), 2)
        ids = [i["Id"] for p in pages for i in p["InvalidationList"]["Items"]]
        self.assertEqual(len(ids), 4)
        self.assertEqual(ids[-1], inv["Id"])  # newest first
        self.assertError("InvalidArgument", self.cf.list_invalidations, DistributionId=dist,
                         MaxItems="-3")

    def test_invalidation_errors(self):
        dist = self.create("inv-errors")["Distribution"]["Id"]
        self.assertError("NoSuchDistribution", self.cf.create_invalidation,
                         DistributionId="ENOSUCHDIST1", InvalidationBatch=batch("x", "/a"))
        self.assertError("NoSuchInvalidation", self.cf.get_invalidation, DistributionId=dist,
                         Id="INOSUCHINVAL1")
        self.assertError("InvalidArgument", self.cf.create_invalidation, DistributionId=dist,
                         InvalidationBatch=batch("no-slash", "index.html"))
        self.assertError("InconsistentQuantities", self.cf.create_invalidation,
                         DistributionId=dist, InvalidationBatch=batch("q", "/a", quantity=2))
        response = self.assertError(
            "BatchTooLarge", self.cf.create_invalidation, DistributionId=dist,
            InvalidationBatch=batch("big", *[f"/p{i}" for i in range(3001)]))
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 413)
        # 15 wildcard paths in progress at most (the manual clock keeps them in progress).
        self.cf.create_invalidation(DistributionId=dist, InvalidationBatch=batch(
            "w15", *[f"/w{i}/*" for i in range(15)]))
        self.assertError("TooManyInvalidationsInProgress", self.cf.create_invalidation,
                         DistributionId=dist, InvalidationBatch=batch("w16", "/more/*"))

    # --- Cache policies -----------------------------------------------------------------------

    def test_cache_policies(self):
        managed = self.cf.list_cache_policies(Type="managed")["CachePolicyList"]["Items"]
        ids = {p["CachePolicy"]["Id"] for p in managed}
        self.assertIn(CACHING_OPTIMIZED, ids)
        self.assertIn("4135ea2d-6df8-44a3-9df3-4b5a84be39ad", ids)
        self.assertTrue(all(p["Type"] == "managed" for p in managed))
        created = self.cf.create_cache_policy(CachePolicyConfig=CACHE_POLICY)
        policy_id = created["CachePolicy"]["Id"]
        self.assertEqual(created["ResponseMetadata"]["HTTPStatusCode"], 201)
        custom = self.cf.list_cache_policies(Type="custom")["CachePolicyList"]["Items"]
        self.assertEqual([p["CachePolicy"]["Id"] for p in custom], [policy_id])
        got = self.cf.get_cache_policy(Id=policy_id)
        self.assertEqual(got["ETag"], created["ETag"])
        config = self.cf.get_cache_policy_config(Id=policy_id)["CachePolicyConfig"]
        self.assertEqual(config["MinTTL"], 1)
        updated = self.cf.update_cache_policy(Id=policy_id, IfMatch=got["ETag"],
                                              CachePolicyConfig=dict(config, MinTTL=5))
        self.assertEqual(updated["CachePolicy"]["CachePolicyConfig"]["MinTTL"], 5)
        self.assertError("PreconditionFailed", self.cf.delete_cache_policy, Id=policy_id,
                         IfMatch=got["ETag"])
        self.cf.delete_cache_policy(Id=policy_id, IfMatch=updated["ETag"])
        self.assertError("NoSuchCachePolicy", self.cf.get_cache_policy, Id=policy_id)

    # --- The wire -----------------------------------------------------------------------------

    def test_malformed_input(self):
        req = urllib.request.Request(self.serve.api + "/2020-05-31/distribution", method="POST",
                                     data=b"<DistributionConfig><Enabled>maybe</Enabled>")
        with self.assertRaises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(req)
        body = raised.exception.read().decode()
        self.assertEqual(raised.exception.code, 400)
        self.assertIn("<Code>MalformedInput</Code>", body)
        self.assertIn(raised.exception.headers["x-amz-request-id"], body)


if __name__ == "__main__":
    unittest.main()
