#!/usr/bin/env python3
"""Response headers policies through boto3 against `edgesim serve` (docs/api.md 1.9): CRUD, the
managed ones, the error codes, and a distribution using a policy, checked at the live edge.

Usage: EDGESIM_BINARY=build/edgesim python3 tests/api/response_headers_policies_test.py
"""
import http.server
import json
import threading
import unittest
import urllib.request

import botocore.exceptions

import edgesim_serve
from edgesim_serve import Serve

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"


def rhp_config(name, **extra):
    config = {"Name": name, "Comment": "boto3",
              "CustomHeadersConfig": {"Quantity": 1, "Items": [
                  {"Header": "X-Rhp", "Value": "one", "Override": True}]},
              "RemoveHeadersConfig": {"Quantity": 1, "Items": [{"Header": "X-Origin-Secret"}]},
              "CorsConfig": {
                  "AccessControlAllowOrigins": {"Quantity": 1, "Items": ["https://*.example.com"]},
                  "AccessControlAllowHeaders": {"Quantity": 1, "Items": ["X-Token"]},
                  "AccessControlAllowMethods": {"Quantity": 2, "Items": ["GET", "PUT"]},
                  "AccessControlAllowCredentials": True, "AccessControlMaxAgeSec": 600,
                  "OriginOverride": True}}
    config.update(extra)
    return config


class Origin(http.server.BaseHTTPRequestHandler):
    def answer(self, body):
        self.send_response(200)
        self.send_header("Cache-Control", "max-age=300")
        self.send_header("X-Origin-Secret", "s3cr3t")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return body

    def do_GET(self):
        self.wfile.write(self.answer(b"hello"))

    def do_OPTIONS(self):
        self.wfile.write(self.answer(b""))

    def log_message(self, *args):
        pass


class ResponseHeadersPoliciesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.origin = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Origin)
        threading.Thread(target=cls.origin.serve_forever, daemon=True).start()
        cls.serve = Serve("--origin", "origin-1=http://127.0.0.1:%d" % cls.origin.server_port)
        cls.cf = edgesim_serve.cloudfront(cls.serve)

    @classmethod
    def tearDownClass(cls):
        cls.serve.stop()
        cls.origin.shutdown()

    def assertError(self, code, call, *args, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            call(*args, **kwargs)
        self.assertEqual(raised.exception.response["Error"]["Code"], code,
                         raised.exception.response)

    def fetch(self, domain, method="GET", **headers):
        req = urllib.request.Request(self.serve.edge + "/page", method=method,
                                     headers=dict(headers, Host=domain))
        with urllib.request.urlopen(req) as res:
            res.read()
            return res.headers

    def test_managed_policies_are_listed_and_never_changed(self):
        managed = self.cf.list_response_headers_policies(Type="managed")
        items = managed["ResponseHeadersPolicyList"]["Items"]
        names = {i["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"]["Name"] for i in items}
        self.assertEqual(names, {"Managed-SimpleCORS", "Managed-CORS-With-Preflight",
                                 "Managed-SecurityHeadersPolicy",
                                 "Managed-CORS-and-SecurityHeadersPolicy",
                                 "Managed-CORS-with-preflight-and-SecurityHeadersPolicy"})
        self.assertTrue(all(i["Type"] == "managed" for i in items))
        got = self.cf.get_response_headers_policy(Id=SECURITY_HEADERS)
        self.assertError("IllegalUpdate", self.cf.update_response_headers_policy,
                         Id=SECURITY_HEADERS, IfMatch=got["ETag"],
                         ResponseHeadersPolicyConfig=rhp_config("x"))
        self.assertError("IllegalDelete", self.cf.delete_response_headers_policy,
                         Id=SECURITY_HEADERS, IfMatch=got["ETag"])

    def test_crud_and_errors(self):
        created = self.cf.create_response_headers_policy(
            ResponseHeadersPolicyConfig=rhp_config("crud"))
        policy_id = created["ResponseHeadersPolicy"]["Id"]
        self.assertError("ResponseHeadersPolicyAlreadyExists",
                         self.cf.create_response_headers_policy,
                         ResponseHeadersPolicyConfig=rhp_config("crud"))
        custom = self.cf.list_response_headers_policies(Type="custom")
        self.assertIn(policy_id, [i["ResponseHeadersPolicy"]["Id"]
                                  for i in custom["ResponseHeadersPolicyList"]["Items"]])
        config = self.cf.get_response_headers_policy_config(Id=policy_id)
        self.assertEqual(config["ResponseHeadersPolicyConfig"]["Name"], "crud")
        self.assertError("InvalidIfMatchVersion", self.cf.delete_response_headers_policy,
                         Id=policy_id, IfMatch="")
        updated = self.cf.update_response_headers_policy(
            Id=policy_id, IfMatch=created["ETag"],
            ResponseHeadersPolicyConfig=rhp_config("crud", Comment="two"))
        self.assertError("PreconditionFailed", self.cf.delete_response_headers_policy,
                         Id=policy_id, IfMatch=created["ETag"])
        self.cf.delete_response_headers_policy(Id=policy_id, IfMatch=updated["ETag"])
        self.assertError("NoSuchResponseHeadersPolicy", self.cf.get_response_headers_policy,
                         Id=policy_id)

    def test_validation_codes(self):
        cases = [
            ("InvalidArgument", {"RemoveHeadersConfig": {"Quantity": 1, "Items": [
                {"Header": "Via"}]}}),
            ("TooLongCSPInResponseHeadersPolicy", {"SecurityHeadersConfig": {
                "ContentSecurityPolicy": {"Override": True,
                                          "ContentSecurityPolicy": "a" * 1784}}}),
            ("TooManyCustomHeadersInResponseHeadersPolicy", {"CustomHeadersConfig": {
                "Quantity": 11, "Items": [{"Header": "X-%d" % i, "Value": "v", "Override": True}
                                          for i in range(11)]}}),
            ("InconsistentQuantities", {"RemoveHeadersConfig": {"Quantity": 2, "Items": [
                {"Header": "X-A"}]}}),
        ]
        for code, config in cases:
            with self.subTest(code=code):
                self.assertError(code, self.cf.create_response_headers_policy,
                                 ResponseHeadersPolicyConfig=dict({"Name": "bad-" + code}, **config))

    def test_a_distribution_using_a_policy_at_the_edge(self):
        policy = self.cf.create_response_headers_policy(
            ResponseHeadersPolicyConfig=rhp_config("edge"))
        policy_id = policy["ResponseHeadersPolicy"]["Id"]
        config = {
            "CallerReference": "rhp-edge", "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{
                "Id": "origin-1", "DomainName": "origin.example.com",
                "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                       "OriginProtocolPolicy": "http-only"}}]},
            "DefaultCacheBehavior": {
                "TargetOriginId": "origin-1", "ViewerProtocolPolicy": "allow-all",
                "CachePolicyId": CACHING_OPTIMIZED, "ResponseHeadersPolicyId": "no-such-policy",
                "AllowedMethods": {"Quantity": 3, "Items": ["GET", "HEAD", "OPTIONS"],
                                   "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}}},
        }
        self.assertError("NoSuchResponseHeadersPolicy", self.cf.create_distribution,
                         DistributionConfig=config)
        config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] = policy_id
        dist = self.cf.create_distribution(DistributionConfig=config)["Distribution"]
        domain = dist["DomainName"]

        miss = self.fetch(domain, Origin="https://app.example.com")
        hit = self.fetch(domain, Origin="https://app.example.com")
        self.assertEqual(miss["X-Cache"], "Miss from cloudfront")
        self.assertEqual(hit["X-Cache"], "Hit from cloudfront")
        for headers in (miss, hit):
            self.assertEqual(headers["X-Rhp"], "one")
            self.assertIsNone(headers["X-Origin-Secret"])
            self.assertEqual(headers["Access-Control-Allow-Origin"], "https://app.example.com")
            self.assertEqual(headers["Access-Control-Allow-Credentials"], "true")
            self.assertIsNone(headers["Access-Control-Allow-Methods"])  # not a preflight

        preflight = self.fetch(domain, method="OPTIONS", Origin="https://app.example.com",
                               **{"Access-Control-Request-Method": "PUT"})
        self.assertEqual(preflight["Access-Control-Allow-Methods"], "GET, PUT")
        self.assertEqual(preflight["Access-Control-Allow-Headers"], "X-Token")
        self.assertEqual(preflight["Access-Control-Max-Age"], "600")

        self.assertError("ResponseHeadersPolicyInUse", self.cf.delete_response_headers_policy,
                         Id=policy_id, IfMatch=policy["ETag"])

        # An update redeploys the distribution.
        self.cf.update_response_headers_policy(
            Id=policy_id, IfMatch=policy["ETag"],
            ResponseHeadersPolicyConfig=rhp_config("edge", CustomHeadersConfig={
                "Quantity": 1, "Items": [{"Header": "X-Rhp", "Value": "two", "Override": True}]}))
        self.assertEqual(self.fetch(domain)["X-Rhp"], "two")

        state = json.loads(urllib.request.urlopen(self.serve.api + "/_edgesim/state").read())
        self.assertIn(policy_id, [p["Id"] for p in state["response_headers_policies"]])


class ResetTest(unittest.TestCase):
    def test_reset_forgets_custom_policies(self):
        serve = Serve()
        try:
            cf = edgesim_serve.cloudfront(serve)
            cf.create_response_headers_policy(ResponseHeadersPolicyConfig=rhp_config("gone"))
            req = urllib.request.Request(serve.api + "/_edgesim/reset", method="POST", data=b"")
            urllib.request.urlopen(req).read()
            listed = cf.list_response_headers_policies()["ResponseHeadersPolicyList"]["Items"]
            self.assertEqual({i["Type"] for i in listed}, {"managed"})
            self.assertEqual(len(listed), 5)
        finally:
            serve.stop()


if __name__ == "__main__":
    unittest.main()
