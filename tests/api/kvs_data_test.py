#!/usr/bin/env python3
"""The KeyValueStore data plane (cloudfront-keyvaluestore, API 1.12) through a live `edgesim serve`
with an unmodified boto3 client: SigV4A signing (awscrt), the endpoint rule set's
<account>.<endpoint host>, ETags and If-Match, pagination, UpdateKeys all-or-nothing, the
service's error codes and quotas, and a store filled from an S3 ImportSource (moto_server).

The SDK sends to 123456789012.localhost:PORT; the client reaches the API port through it as an
HTTP proxy (absolute-form targets), so no resolver setup is needed.

Usage: EDGESIM_BINARY=build/edgesim python3 tests/api/kvs_data_test.py
"""
import json
import unittest
import urllib.error
import urllib.request

import boto3
import botocore.config
import botocore.exceptions

import edgesim_serve
from edgesim_serve import Serve


def kvs_error_of(call, **kwargs):
    """(code, HTTP status) of the ClientError `call` raises."""
    try:
        call(**kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError("no error")


def kvs_client(serve):
    """An unmodified boto3 cloudfront-keyvaluestore client on `serve`'s API port."""
    edgesim_serve.isolate_from_user_config()
    port = serve.api.rsplit(":", 1)[1]
    return boto3.client(
        "cloudfront-keyvaluestore", endpoint_url=f"http://localhost:{port}",
        region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test",
        config=botocore.config.Config(proxies={"http": serve.api},
                                      retries={"max_attempts": 1, "mode": "standard"}))


# Redirects the URI to the value the store holds under it.
KVS_REDIRECT = b"""import cf from 'cloudfront';
async function handler(event) {
  const to = await cf.kvs().get(event.request.uri);
  return { statusCode: 301, statusDescription: 'Moved Permanently',
           headers: { location: { value: to } } };
}"""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def kvs_edge_get(domain, path):
    """(status, Location) of GET `path` at SERVE's edge for the distribution `domain`."""
    opener = urllib.request.build_opener(_NoRedirect)
    req = urllib.request.Request(SERVE.edge + path, headers={"Host": domain})
    try:
        with opener.open(req) as res:
            return res.status, res.headers.get("Location")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Location")


SERVE = None


def setUpModule():
    global SERVE
    SERVE = Serve()


def tearDownModule():
    SERVE.stop()


class KvsDataTest(unittest.TestCase):
    def setUp(self):
        SERVE.reset()
        self.cf = edgesim_serve.cloudfront(SERVE)
        self.kvs = kvs_client(SERVE)
        self.arn = self.cf.create_key_value_store(Name="kv")["KeyValueStore"]["ARN"]

    def create_redirect_function(self):
        """KVS_REDIRECT as the function "moved", associated with the store; its ETag."""
        return self.cf.create_function(
            Name="moved", FunctionCode=KVS_REDIRECT,
            FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0",
                            "KeyValueStoreAssociations": {
                                "Quantity": 1, "Items": [{"KeyValueStoreARN": self.arn}]}},
        )["ETag"]

    def etag(self):
        return self.kvs.describe_key_value_store(KvsARN=self.arn)["ETag"]

    def test_put_get_delete_with_etags(self):
        described = self.kvs.describe_key_value_store(KvsARN=self.arn)
        self.assertEqual((described["ItemCount"], described["TotalSizeInBytes"]), (0, 0))
        self.assertEqual(described["KvsARN"], self.arn)
        self.assertEqual(described["Status"], "READY")
        first = described["ETag"]
        put = self.kvs.put_key(KvsARN=self.arn, Key="home", Value="/index.html", IfMatch=first)
        self.assertEqual((put["ItemCount"], put["TotalSizeInBytes"]), (1, 15))
        self.assertNotEqual(put["ETag"], first)
        got = self.kvs.get_key(KvsARN=self.arn, Key="home")
        self.assertEqual((got["Key"], got["Value"], got["ItemCount"]), ("home", "/index.html", 1))
        # A stale ETag changes nothing.
        self.assertEqual(kvs_error_of(self.kvs.put_key, KvsARN=self.arn, Key="home", Value="x",
                                      IfMatch=first), ("ConflictException", 409))
        self.assertEqual(self.kvs.get_key(KvsARN=self.arn, Key="home")["Value"], "/index.html")
        deleted = self.kvs.delete_key(KvsARN=self.arn, Key="home", IfMatch=put["ETag"])
        self.assertEqual(deleted["ItemCount"], 0)
        self.assertEqual(self.etag(), deleted["ETag"])
        self.assertEqual(kvs_error_of(self.kvs.get_key, KvsARN=self.arn, Key="home"),
                         ("ResourceNotFoundException", 404))

    def test_test_function_reads_the_associated_store(self):
        """A cloudfront-js-2.0 function associated with the store reads it in TestFunction: a key
        that is there redirects, a missing one rejects (SPEC 15.8)."""
        self.kvs.put_key(KvsARN=self.arn, Key="/old", Value="/new", IfMatch=self.etag())
        etag = self.create_redirect_function()

        def test(uri):
            event = {"version": "1.0", "context": {"eventType": "viewer-request"},
                     "viewer": {"ip": "198.51.100.7"},
                     "request": {"method": "GET", "uri": uri, "querystring": {}, "headers": {},
                                 "cookies": {}}}
            return self.cf.test_function(Name="moved", IfMatch=etag,
                                         EventObject=json.dumps(event).encode())["TestResult"]

        found = test("/old")
        self.assertEqual(found["FunctionErrorMessage"], "")
        output = json.loads(found["FunctionOutput"])["response"]
        self.assertEqual((output["statusCode"], output["headers"]["location"]["value"]),
                         (301, "/new"))
        self.assertIn("Key not found", test("/elsewhere")["FunctionErrorMessage"])

    def test_the_edge_reads_the_store_of_an_associated_function(self):
        """A published function associated with the store, on a distribution's viewer-request:
        the edge's redirects follow the store's data, a new value at once (SPEC 15.8)."""
        self.kvs.put_key(KvsARN=self.arn, Key="/old", Value="/new", IfMatch=self.etag())
        etag = self.create_redirect_function()
        function_arn = self.cf.publish_function(Name="moved", IfMatch=etag)[
            "FunctionSummary"]["FunctionMetadata"]["FunctionARN"]
        config = edgesim_serve.distribution_config("kvs-edge")
        config["DefaultCacheBehavior"]["FunctionAssociations"] = {
            "Quantity": 1, "Items": [{"EventType": "viewer-request", "FunctionARN": function_arn}]}
        domain = self.cf.create_distribution(DistributionConfig=config)["Distribution"][
            "DomainName"]
        self.assertEqual(kvs_edge_get(domain, "/old"), (301, "/new"))
        self.kvs.put_key(KvsARN=self.arn, Key="/old", Value="/newer", IfMatch=self.etag())
        self.assertEqual(kvs_edge_get(domain, "/old"), (301, "/newer"))
        # A key the store lacks rejects the read: an execution error (SPEC 15.6).
        self.assertEqual(kvs_edge_get(domain, "/elsewhere")[0], 503)

    def test_keys_with_slashes_and_unicode(self):
        self.kvs.put_key(KvsARN=self.arn, Key="/blog/2024/ünï", Value="v é", IfMatch=self.etag())
        self.assertEqual(self.kvs.get_key(KvsARN=self.arn, Key="/blog/2024/ünï")["Value"], "v é")

    def test_update_keys_is_all_or_nothing(self):
        etag = self.kvs.update_keys(KvsARN=self.arn, IfMatch=self.etag(), Puts=[
            {"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])["ETag"]
        self.assertEqual(kvs_error_of(self.kvs.update_keys, KvsARN=self.arn, IfMatch=etag,
                                      Puts=[{"Key": "c", "Value": "3"}],
                                      Deletes=[{"Key": "missing"}]),
                         ("ValidationException", 400))
        self.assertEqual(self.etag(), etag)
        updated = self.kvs.update_keys(KvsARN=self.arn, IfMatch=etag,
                                       Puts=[{"Key": "c", "Value": "3"}], Deletes=[{"Key": "a"}])
        self.assertEqual(updated["ItemCount"], 2)
        keys = [i["Key"] for i in self.kvs.list_keys(KvsARN=self.arn)["Items"]]
        self.assertEqual(keys, ["b", "c"])

    def test_list_keys_pages(self):
        self.kvs.update_keys(KvsARN=self.arn, IfMatch=self.etag(), Puts=[
            {"Key": f"k{i:02}", "Value": str(i)} for i in range(7)])
        first = self.kvs.list_keys(KvsARN=self.arn, MaxResults=3)
        self.assertEqual([i["Key"] for i in first["Items"]], ["k00", "k01", "k02"])
        self.assertIn("NextToken", first)
        pages = self.kvs.get_paginator("list_keys").paginate(
            KvsARN=self.arn, PaginationConfig={"PageSize": 3})
        items = [i for page in pages for i in page["Items"]]
        self.assertEqual([(i["Key"], i["Value"]) for i in items],
                         [(f"k{i:02}", str(i)) for i in range(7)])
        self.assertEqual(kvs_error_of(self.kvs.list_keys, KvsARN=self.arn, NextToken="%%%"),
                         ("ValidationException", 400))

    def test_quotas(self):
        etag = self.etag()
        self.assertEqual(kvs_error_of(self.kvs.put_key, KvsARN=self.arn, Key="k" * 513,
                                      Value="v", IfMatch=etag), ("ValidationException", 400))
        self.assertEqual(kvs_error_of(self.kvs.put_key, KvsARN=self.arn, Key="k",
                                      Value="v" * 1025, IfMatch=etag),
                         ("ValidationException", 400))
        # 5 MiB per store: 5,100 pairs of 4 + 1,020 bytes fit, 50 more do not.
        puts = [{"Key": f"{i:04}", "Value": "v" * 1020} for i in range(50)]
        for start in range(0, 5100, 50):
            etag = self.kvs.update_keys(KvsARN=self.arn, IfMatch=etag, Puts=[
                {"Key": f"{start + i:04}", "Value": p["Value"]}
                for i, p in enumerate(puts)])["ETag"]
        self.assertEqual(kvs_error_of(self.kvs.update_keys, KvsARN=self.arn, IfMatch=etag,
                                      Puts=[{"Key": f"x{i:03}", "Value": "v" * 1020}
                                            for i in range(50)]),
                         ("ServiceQuotaExceededException", 402))

    def test_unknown_store_and_deleted_store(self):
        other = self.arn[:-4] + "0000"
        self.assertEqual(kvs_error_of(self.kvs.describe_key_value_store, KvsARN=other),
                         ("ResourceNotFoundException", 404))
        self.kvs.put_key(KvsARN=self.arn, Key="k", Value="v", IfMatch=self.etag())
        etag = self.cf.describe_key_value_store(Name="kv")["ETag"]
        self.cf.delete_key_value_store(Name="kv", IfMatch=etag)
        self.assertEqual(kvs_error_of(self.kvs.get_key, KvsARN=self.arn, Key="k"),
                         ("ResourceNotFoundException", 404))


class KvsImportTest(unittest.TestCase):
    """CreateKeyValueStore with an S3 ImportSource read from moto_server (--s3-endpoint)."""

    @classmethod
    def setUpClass(cls):
        cls.moto, moto_url = edgesim_serve.start_moto_s3()
        edgesim_serve.isolate_from_user_config()
        cls.s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
        cls.s3.create_bucket(Bucket="kvs-source")
        cls.serve = Serve("--s3-endpoint", moto_url, "--origin-access-key-id", "test",
                          "--origin-secret-access-key", "test")
        cls.cf = edgesim_serve.cloudfront(cls.serve)
        cls.kvs = kvs_client(cls.serve)

    @classmethod
    def tearDownClass(cls):
        cls.serve.stop()
        cls.moto.terminate()
        cls.moto.wait(timeout=30)

    def create_from(self, name, body):
        self.s3.put_object(Bucket="kvs-source", Key=f"{name}.json", Body=body)
        return self.cf.create_key_value_store(Name=name, ImportSource={
            "SourceType": "S3", "SourceARN": f"arn:aws:s3:::kvs-source/{name}.json"})

    def test_a_valid_file_fills_the_store(self):
        created = self.create_from("good", json.dumps({"data": [
            {"key": "/old", "value": "/new"}, {"key": "cfg", "value": "{\"a\":1}"}]}))
        self.assertEqual(created["KeyValueStore"]["Status"], "READY")
        arn = created["KeyValueStore"]["ARN"]
        self.assertEqual(self.kvs.describe_key_value_store(KvsARN=arn)["ItemCount"], 2)
        self.assertEqual(self.kvs.get_key(KvsARN=arn, Key="/old")["Value"], "/new")

    def test_a_bad_file_or_a_missing_one_fails_the_store(self):
        created = self.create_from("dup", json.dumps({"data": [
            {"key": "k", "value": "1"}, {"key": "k", "value": "2"}]}))
        self.assertEqual(created["KeyValueStore"]["Status"], "FAILED")
        described = self.kvs.describe_key_value_store(KvsARN=created["KeyValueStore"]["ARN"])
        self.assertEqual((described["Status"], described["ItemCount"]), ("FAILED", 0))
        self.assertIn("duplicate key k", described["FailureReason"])
        missing = self.cf.create_key_value_store(Name="missing", ImportSource={
            "SourceType": "S3", "SourceARN": "arn:aws:s3:::kvs-source/absent.json"})
        self.assertEqual(missing["KeyValueStore"]["Status"], "FAILED")


if __name__ == "__main__":
    unittest.main()
