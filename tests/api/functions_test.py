#!/usr/bin/env python3
"""CloudFront Functions and key value stores through a live `edgesim serve` with boto3 (API 1.11):
stages and their ETags, publish, GetFunction's raw code, lists, every error code, function
associations on a distribution's behaviors, TestFunction's If-Match, the admin state and reset.

Usage: EDGESIM_BINARY=build/edgesim python3 tests/api/functions_test.py
"""
import json
import unittest
import urllib.request

import botocore.exceptions

import edgesim_serve
from edgesim_serve import Serve

CODE = b"function handler(event) { return event.request; }"
CONFIG = {"Comment": "rewrites", "Runtime": "cloudfront-js-2.0"}


def error_of(call, *args, **kwargs):
    """(code, HTTP status) of the ClientError `call` raises."""
    try:
        call(*args, **kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError("no error")


class ServeTestCase(unittest.TestCase):
    """One `edgesim serve` per class, its API state reset before each test."""
    @classmethod
    def setUpClass(cls):
        cls.serve = Serve()
        cls.cf = edgesim_serve.cloudfront(cls.serve)

    @classmethod
    def tearDownClass(cls):
        cls.serve.stop()

    def setUp(self):
        req = urllib.request.Request(self.serve.api + "/_edgesim/reset", method="POST", data=b"")
        urllib.request.urlopen(req).read()


class FunctionsTest(ServeTestCase):
    def create(self, name="f", code=CODE, config=CONFIG):
        return self.cf.create_function(Name=name, FunctionConfig=config, FunctionCode=code)

    def test_create_describe_get_update_publish(self):
        created = self.create()
        self.assertEqual(created["ResponseMetadata"]["HTTPStatusCode"], 201)
        summary = created["FunctionSummary"]
        self.assertEqual(summary["Name"], "f")
        self.assertEqual(summary["Status"], "UNPUBLISHED")
        self.assertEqual(summary["FunctionConfig"]["Runtime"], "cloudfront-js-2.0")
        self.assertEqual(summary["FunctionMetadata"]["Stage"], "DEVELOPMENT")
        self.assertEqual(summary["FunctionMetadata"]["FunctionARN"],
                         "arn:aws:cloudfront::123456789012:function/f")
        self.assertTrue(created["Location"].endswith("/2020-05-31/function/f"))
        dev_etag = created["ETag"]

        described = self.cf.describe_function(Name="f")
        self.assertEqual(described["ETag"], dev_etag)
        got = self.cf.get_function(Name="f", Stage="DEVELOPMENT")
        self.assertEqual(got["FunctionCode"].read(), CODE)
        self.assertEqual(got["ETag"], dev_etag)
        self.assertEqual(got["ContentType"], "application/octet-stream")
        self.assertEqual(error_of(self.cf.describe_function, Name="f", Stage="LIVE"),
                         ("NoSuchFunctionExists", 404))
        self.assertEqual(error_of(self.cf.get_function, Name="f", Stage="LIVE"),
                         ("NoSuchFunctionExists", 404))

        published = self.cf.publish_function(Name="f", IfMatch=dev_etag)["FunctionSummary"]
        self.assertEqual(published["FunctionMetadata"]["Stage"], "LIVE")
        self.assertEqual(published["Status"], "UNASSOCIATED")
        live_etag = self.cf.describe_function(Name="f", Stage="LIVE")["ETag"]
        self.assertNotEqual(live_etag, dev_etag)

        new_code = b"function handler(event) { return event.response; }"
        updated = self.cf.update_function(Name="f", IfMatch=dev_etag, FunctionConfig=CONFIG,
                                          FunctionCode=new_code)
        # botocore reads UpdateFunction's ETag from a header named ETtag (the model's spelling).
        self.assertTrue(updated["ETag"])
        self.assertNotEqual(updated["ETag"], dev_etag)
        self.assertEqual(updated["FunctionSummary"]["Status"], "UNPUBLISHED")
        # LIVE keeps the published code until the next publish.
        self.assertEqual(self.cf.get_function(Name="f", Stage="LIVE")["FunctionCode"].read(), CODE)
        self.assertEqual(self.cf.get_function(Name="f")["FunctionCode"].read(), new_code)
        self.assertEqual(error_of(self.cf.publish_function, Name="f", IfMatch=live_etag),
                         ("PreconditionFailed", 412))

    def test_errors(self):
        etag = self.create()["ETag"]
        self.assertEqual(error_of(self.create), ("FunctionAlreadyExists", 409))
        self.assertEqual(error_of(self.create, name="big", code=b"x" * (10 * 1024 + 1)),
                         ("FunctionSizeLimitExceeded", 413))
        self.create(name="limit", code=b"x" * (10 * 1024))
        self.assertEqual(error_of(self.create, name="bad name"), ("InvalidArgument", 400))
        self.assertEqual(error_of(self.create, name="g",
                                  config={"Comment": "", "Runtime": "cloudfront-js-3.0"}),
                         ("InvalidArgument", 400))
        self.assertEqual(error_of(self.cf.describe_function, Name="nope"),
                         ("NoSuchFunctionExists", 404))
        self.assertEqual(error_of(self.cf.delete_function, Name="nope", IfMatch=""),
                         ("InvalidIfMatchVersion", 400))
        self.assertEqual(error_of(self.cf.delete_function, Name="nope", IfMatch="X"),
                         ("NoSuchFunctionExists", 404))
        self.assertEqual(error_of(self.cf.delete_function, Name="f", IfMatch="X"),
                         ("PreconditionFailed", 412))
        self.assertEqual(error_of(self.cf.list_functions, Stage="STAGING"),
                         ("InvalidArgument", 400))
        self.cf.delete_function(Name="f", IfMatch=etag)
        self.assertEqual(error_of(self.cf.describe_function, Name="f"),
                         ("NoSuchFunctionExists", 404))

    def test_list_by_stage_and_pages(self):
        for name in ("a", "b", "c"):
            etag = self.create(name=name)["ETag"]
            if name != "b":
                self.cf.publish_function(Name=name, IfMatch=etag)
        everything = self.cf.list_functions()["FunctionList"]
        self.assertEqual([f["Name"] for f in everything["Items"]], ["a", "b", "c"])
        live = self.cf.list_functions(Stage="LIVE")["FunctionList"]
        self.assertEqual([f["Name"] for f in live["Items"]], ["a", "c"])
        self.assertTrue(all(f["FunctionMetadata"]["Stage"] == "LIVE" for f in live["Items"]))
        first = self.cf.list_functions(MaxItems="2")["FunctionList"]
        self.assertEqual(first["Quantity"], 2)
        self.assertEqual(first["NextMarker"], "b")
        rest = self.cf.list_functions(Marker="b")["FunctionList"]
        self.assertEqual([f["Name"] for f in rest["Items"]], ["c"])
        self.assertNotIn("NextMarker", rest)

    def test_test_function_runs_the_code_and_takes_the_stage_etag(self):
        etag = self.create()["ETag"]
        event = json.dumps({"version": "1.0", "context": {"eventType": "viewer-request"},
                            "viewer": {"ip": "198.51.100.1"},
                            "request": {"method": "GET", "uri": "/", "headers": {},
                                        "cookies": {}, "querystring": {}}}).encode()
        result = self.cf.test_function(Name="f", IfMatch=etag, EventObject=event)["TestResult"]
        self.assertEqual(json.loads(result["FunctionOutput"])["request"]["uri"], "/")
        self.assertEqual(error_of(self.cf.test_function, Name="f", IfMatch="X",
                                  EventObject=event), ("PreconditionFailed", 412))

    def distribution_with(self, ref, *associations):
        config = edgesim_serve.distribution_config(ref)
        config["DefaultCacheBehavior"]["FunctionAssociations"] = {
            "Quantity": len(associations),
            "Items": [{"EventType": e, "FunctionARN": a} for e, a in associations]}
        return config

    def test_associations_need_published_functions_and_block_delete(self):
        created = self.create()
        arn = created["FunctionSummary"]["FunctionMetadata"]["FunctionARN"]
        self.assertEqual(
            error_of(self.cf.create_distribution,
                     DistributionConfig=self.distribution_with("r1", ("viewer-request", arn))),
            ("InvalidFunctionAssociation", 400))
        unknown = arn.replace("function/f", "function/ghost")
        self.assertEqual(
            error_of(self.cf.create_distribution,
                     DistributionConfig=self.distribution_with("r2",
                                                               ("viewer-request", unknown))),
            ("InvalidFunctionAssociation", 400))
        self.cf.publish_function(Name="f", IfMatch=created["ETag"])
        self.assertEqual(
            error_of(self.cf.create_distribution, DistributionConfig=self.distribution_with(
                "r3", ("viewer-request", arn), ("viewer-request", arn))),
            ("InvalidFunctionAssociation", 400))
        self.assertEqual(
            error_of(self.cf.create_distribution,
                     DistributionConfig=self.distribution_with("r4", ("origin-request", arn))),
            ("MalformedXML", 400))
        d = self.cf.create_distribution(DistributionConfig=self.distribution_with(
            "r5", ("viewer-request", arn), ("viewer-response", arn)))["Distribution"]
        items = d["DistributionConfig"]["DefaultCacheBehavior"]["FunctionAssociations"]["Items"]
        self.assertEqual([i["EventType"] for i in items], ["viewer-request", "viewer-response"])
        self.assertEqual(self.cf.describe_function(Name="f", Stage="LIVE")["FunctionSummary"]
                         ["Status"], "ASSOCIATED")
        etag = self.cf.describe_function(Name="f")["ETag"]
        self.assertEqual(error_of(self.cf.delete_function, Name="f", IfMatch=etag),
                         ("FunctionInUse", 409))

        # Publishing again redeploys the distribution: its ETag changes.
        before = self.cf.get_distribution(Id=d["Id"])["ETag"]
        self.cf.publish_function(Name="f", IfMatch=etag)
        self.assertNotEqual(self.cf.get_distribution(Id=d["Id"])["ETag"], before)


class KeyValueStoresTest(ServeTestCase):
    def test_lifecycle(self):
        created = self.cf.create_key_value_store(
            Name="kvs", Comment="redirects",
            ImportSource={"SourceType": "S3", "SourceARN": "arn:aws:s3:::bucket/data.json"})
        self.assertEqual(created["ResponseMetadata"]["HTTPStatusCode"], 201)
        store = created["KeyValueStore"]
        self.assertEqual(store["Name"], "kvs")
        self.assertEqual(store["Comment"], "redirects")
        self.assertRegex(store["ARN"],
                         r"^arn:aws:cloudfront::123456789012:key-value-store/[0-9a-f-]{36}$")
        self.assertEqual(store["ARN"].rsplit("/", 1)[1], store["Id"])
        described = self.cf.describe_key_value_store(Name="kvs")
        self.assertEqual(described["ETag"], created["ETag"])
        updated = self.cf.update_key_value_store(Name="kvs", Comment="new", IfMatch=created["ETag"])
        self.assertEqual(updated["KeyValueStore"]["Comment"], "new")
        self.assertNotEqual(updated["ETag"], created["ETag"])
        listed = self.cf.list_key_value_stores()["KeyValueStoreList"]
        self.assertEqual([k["Name"] for k in listed["Items"]], ["kvs"])
        self.cf.delete_key_value_store(Name="kvs", IfMatch=updated["ETag"])
        self.assertEqual(error_of(self.cf.describe_key_value_store, Name="kvs"),
                         ("EntityNotFound", 404))

    def test_errors_and_function_association(self):
        store = self.cf.create_key_value_store(Name="kvs")
        self.assertEqual(error_of(self.cf.create_key_value_store, Name="kvs"),
                         ("EntityAlreadyExists", 409))
        self.assertEqual(error_of(self.cf.create_key_value_store, Name="k2", Comment="x" * 129),
                         ("InvalidArgument", 400))
        self.assertEqual(error_of(self.cf.update_key_value_store, Name="kvs", Comment="c",
                                  IfMatch=""), ("InvalidIfMatchVersion", 400))
        self.assertEqual(error_of(self.cf.update_key_value_store, Name="kvs", Comment="c",
                                  IfMatch="X"), ("PreconditionFailed", 412))
        arn = store["KeyValueStore"]["ARN"]
        associated = {"Comment": "", "Runtime": "cloudfront-js-2.0",
                      "KeyValueStoreAssociations": {"Quantity": 1,
                                                    "Items": [{"KeyValueStoreARN": arn}]}}
        self.cf.create_function(Name="f", FunctionConfig=associated, FunctionCode=CODE)
        self.assertEqual(error_of(self.cf.create_function, Name="g", FunctionCode=CODE,
                                  FunctionConfig=dict(associated, Runtime="cloudfront-js-1.0")),
                         ("InvalidArgument", 400))
        self.assertEqual(error_of(self.cf.delete_key_value_store, Name="kvs",
                                  IfMatch=store["ETag"]), ("CannotDeleteEntityWhileInUse", 409))
        state = json.load(urllib.request.urlopen(self.serve.api + "/_edgesim/state"))
        self.assertEqual([f["Name"] for f in state["functions"]], ["f"])
        self.assertEqual([k["Name"] for k in state["key_value_stores"]], ["kvs"])
        req = urllib.request.Request(self.serve.api + "/_edgesim/reset", method="POST", data=b"")
        urllib.request.urlopen(req).read()
        state = json.load(urllib.request.urlopen(self.serve.api + "/_edgesim/state"))
        self.assertEqual((state["functions"], state["key_value_stores"]), ([], []))


if __name__ == "__main__":
    unittest.main()
