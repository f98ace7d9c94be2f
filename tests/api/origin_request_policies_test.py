#!/usr/bin/env python3
"""boto3 against `edgesim serve`'s origin request policies (API 1.8, SPEC 14): create, get,
get-config, update with and without If-Match, delete in use and not, list managed and custom, and
a distribution whose custom policy forwards a viewer header to a real local origin.

Usage: EDGESIM_BINARY=build/edgesim python3 tests/api/origin_request_policies_test.py
"""
import http.server
import json
import threading
import unittest
import urllib.request

import botocore.exceptions

import edgesim_serve
from edgesim_serve import Serve

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3"


def policy_config(name, headers=("X-Tenant",), behavior="whitelist"):
    config = {"Name": name, "Comment": "boto3",
              "HeadersConfig": {"HeaderBehavior": behavior},
              "CookiesConfig": {"CookieBehavior": "none"},
              "QueryStringsConfig": {"QueryStringBehavior": "none"}}
    if headers:
        config["HeadersConfig"]["Headers"] = {"Quantity": len(headers), "Items": list(headers)}
    return config


def distribution_config(ref, policy_id):
    return {
        "CallerReference": ref, "Comment": "orp", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "app", "DomainName": "app.example.com",
            "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                   "OriginProtocolPolicy": "http-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "app", "ViewerProtocolPolicy": "allow-all",
                                 "CachePolicyId": CACHING_DISABLED,
                                 "OriginRequestPolicyId": policy_id},
    }


class TenantEcho(http.server.BaseHTTPRequestHandler):
    """Answers every GET with the X-Tenant header it received."""

    def do_GET(self):
        body = ("tenant=" + self.headers.get("X-Tenant", "-")).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class OriginRequestPoliciesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.origin = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TenantEcho)
        threading.Thread(target=cls.origin.serve_forever, daemon=True).start()
        cls.serve = Serve("--origin", "app=http://127.0.0.1:%d" % cls.origin.server_port)
        cls.cf = edgesim_serve.cloudfront(cls.serve)

    @classmethod
    def tearDownClass(cls):
        cls.serve.stop()
        cls.origin.shutdown()
        cls.origin.server_close()

    def assertError(self, code, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            call(**kwargs)
        self.assertEqual(raised.exception.response["Error"]["Code"], code)
        return raised.exception.response

    def create(self, name, **kwargs):
        return self.cf.create_origin_request_policy(
            OriginRequestPolicyConfig=policy_config(name, **kwargs))

    def test_lifecycle(self):
        created = self.create("lifecycle")
        policy_id = created["OriginRequestPolicy"]["Id"]
        self.assertEqual(created["ResponseMetadata"]["HTTPStatusCode"], 201)
        self.assertTrue(created["Location"].endswith("/origin-request-policy/" + policy_id))
        got = self.cf.get_origin_request_policy(Id=policy_id)
        self.assertEqual(got["ETag"], created["ETag"])
        config = got["OriginRequestPolicy"]["OriginRequestPolicyConfig"]
        self.assertEqual(config["HeadersConfig"]["Headers"]["Items"], ["X-Tenant"])
        self.assertEqual(self.cf.get_origin_request_policy_config(Id=policy_id)
                         ["OriginRequestPolicyConfig"]["Name"], "lifecycle")
        self.assertError("OriginRequestPolicyAlreadyExists", self.cf.create_origin_request_policy,
                         OriginRequestPolicyConfig=policy_config("lifecycle"))

        changed = policy_config("lifecycle", headers=("X-Tenant", "X-Region"))
        self.assertError("InvalidIfMatchVersion", self.cf.update_origin_request_policy,
                         Id=policy_id, OriginRequestPolicyConfig=changed)
        self.assertError("PreconditionFailed", self.cf.update_origin_request_policy,
                         Id=policy_id, OriginRequestPolicyConfig=changed, IfMatch="STALE")
        updated = self.cf.update_origin_request_policy(
            Id=policy_id, OriginRequestPolicyConfig=changed, IfMatch=created["ETag"])
        self.assertNotEqual(updated["ETag"], created["ETag"])
        self.assertEqual(updated["OriginRequestPolicy"]["OriginRequestPolicyConfig"]
                         ["HeadersConfig"]["Headers"]["Quantity"], 2)

        self.assertError("InvalidIfMatchVersion", self.cf.delete_origin_request_policy,
                         Id=policy_id)
        self.cf.delete_origin_request_policy(Id=policy_id, IfMatch=updated["ETag"])
        self.assertError("NoSuchOriginRequestPolicy", self.cf.get_origin_request_policy,
                         Id=policy_id)

    def test_validation_and_quotas(self):
        def create(config):
            return self.cf.create_origin_request_policy(OriginRequestPolicyConfig=config)
        response = self.assertError("InvalidArgument", create,
                                    config=policy_config("ae", headers=("Accept-Encoding",)))
        self.assertIn("Accept-Encoding that is not allowed", response["Error"]["Message"])
        self.assertError("InvalidArgument", create,
                         config=policy_config("bad-behavior", behavior="everything"))
        self.assertError("TooManyHeadersInOriginRequestPolicy", create,
                         config=policy_config("too-many",
                                              headers=tuple("X-H%d" % i for i in range(11))))

    def test_managed_ones_are_listed_and_immutable(self):
        managed = self.cf.list_origin_request_policies(Type="managed")["OriginRequestPolicyList"]
        ids = [item["OriginRequestPolicy"]["Id"] for item in managed["Items"]]
        self.assertIn(ALL_VIEWER, ids)
        self.assertTrue(all(item["Type"] == "managed" for item in managed["Items"]))
        etag = self.cf.get_origin_request_policy(Id=ALL_VIEWER)["ETag"]
        self.assertError("IllegalUpdate", self.cf.update_origin_request_policy, Id=ALL_VIEWER,
                         OriginRequestPolicyConfig=policy_config("x"), IfMatch=etag)
        self.assertError("IllegalDelete", self.cf.delete_origin_request_policy, Id=ALL_VIEWER,
                         IfMatch=etag)
        self.create("listed")
        custom = self.cf.list_origin_request_policies(Type="custom")["OriginRequestPolicyList"]
        names = [item["OriginRequestPolicy"]["OriginRequestPolicyConfig"]["Name"]
                 for item in custom["Items"]]
        self.assertIn("listed", names)
        self.assertTrue(all(item["Type"] == "custom" for item in custom["Items"]))

    def fetch(self, domain):
        req = urllib.request.Request(self.serve.edge + "/page",
                                     headers={"Host": domain, "X-Tenant": "acme"})
        with urllib.request.urlopen(req) as res:
            return res.read().decode()

    def test_a_distribution_forwards_what_its_custom_policy_names(self):
        self.assertError("NoSuchOriginRequestPolicy", self.cf.create_distribution,
                         DistributionConfig=distribution_config("unknown-orp", "nope"))
        created = self.create("edge", headers=("X-Region",))
        policy_id = created["OriginRequestPolicy"]["Id"]
        dist = self.cf.create_distribution(
            DistributionConfig=distribution_config("edge", policy_id))["Distribution"]
        self.assertEqual(self.fetch(dist["DomainName"]), "tenant=-")

        self.assertError("OriginRequestPolicyInUse", self.cf.delete_origin_request_policy,
                         Id=policy_id, IfMatch=created["ETag"])
        # The update redeploys the distribution: the origin now receives X-Tenant.
        self.cf.update_origin_request_policy(
            Id=policy_id, OriginRequestPolicyConfig=policy_config("edge"), IfMatch=created["ETag"])
        self.assertEqual(self.fetch(dist["DomainName"]), "tenant=acme")


class AdminStateTest(unittest.TestCase):
    """GET /_edgesim/state lists the custom policies; POST /_edgesim/reset forgets them."""

    def test_state_lists_custom_policies_until_reset(self):
        serve = Serve()
        try:
            cf = edgesim_serve.cloudfront(serve)
            policy_id = cf.create_origin_request_policy(
                OriginRequestPolicyConfig=policy_config("admin"))["OriginRequestPolicy"]["Id"]
            state = json.loads(urllib.request.urlopen(serve.api + "/_edgesim/state").read())
            self.assertEqual([p["Id"] for p in state["origin_request_policies"]], [policy_id])
            self.assertEqual(state["origin_request_policies"][0]["Name"], "admin")
            urllib.request.urlopen(urllib.request.Request(
                serve.api + "/_edgesim/reset", method="POST", data=b"")).read()
            state = json.loads(urllib.request.urlopen(serve.api + "/_edgesim/state").read())
            self.assertEqual(state["origin_request_policies"], [])
            with self.assertRaises(botocore.exceptions.ClientError):
                cf.get_origin_request_policy(Id=policy_id)
        finally:
            serve.stop()


if __name__ == "__main__":
    unittest.main()
