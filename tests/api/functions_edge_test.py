#!/usr/bin/env python3
"""The example functions of functions_examples_test.py at a live edge (SPEC 15.7): each is created,
published and associated with a distribution through boto3, then requests go through `edgesim
serve`'s edge to a local origin that echoes what it received. What the origin saw (the rewritten
URI, an added header, the normalized query string) and what the viewer got (headers added on the
way out, a redirect that never reached the origin) are checked. The key value store lookup at the
edge is kvs_data_test.py's.

Usage: EDGESIM_BINARY=build/edgesim python3 tests/api/functions_edge_test.py
"""
import http.server
import json
import threading
import unittest
import urllib.error
import urllib.request

import edgesim_serve
from edgesim_serve import Serve
from functions_examples_test import (CACHE_CONTROL, CORS, NORMALIZE_QUERY, REDIRECT_BY_COUNTRY,
                                     SECURITY_HEADERS, SPA_REWRITE, TRUE_CLIENT_IP)

# Managed origin request policies (SPEC 14): all the viewer's headers, query strings and cookies;
# the same and CloudFront's own headers.
ALL_VIEWER = "216adef6-5c7f-47e4-b989-5492eafa07d3"
ALL_VIEWER_AND_CLOUDFRONT_HEADERS = "33f36d7e-f396-46d9-90e0-52428a34d9dc"


class EchoOrigin(http.server.BaseHTTPRequestHandler):
    """Answers every GET with 200 and, as JSON, the path and headers it received."""
    requests = []

    def do_GET(self):
        seen = {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}}
        EchoOrigin.requests.append(seen)
        body = json.dumps(seen).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


ORIGIN = None
SERVE = None


def setUpModule():
    global ORIGIN, SERVE
    ORIGIN = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EchoOrigin)
    threading.Thread(target=ORIGIN.serve_forever, daemon=True).start()
    # A budget far above any example's needs, so a loaded machine cannot make one run out.
    SERVE = Serve("--origin", "origin-1=http://127.0.0.1:%d" % ORIGIN.server_address[1],
                  "--function-compute-budget-ms", "50")


def tearDownModule():
    SERVE.stop()
    ORIGIN.shutdown()


class FunctionsAtTheEdgeTest(unittest.TestCase):
    def setUp(self):
        SERVE.reset()
        self.cf = edgesim_serve.cloudfront(SERVE)

    def distribution_with(self, code, event_type, runtime="cloudfront-js-1.0",
                          origin_request_policy=ALL_VIEWER):
        """A distribution whose default behavior runs `code` (created and published) on
        `event_type`; its domain name."""
        name = "fn-" + self.id().rsplit(".", 1)[1].replace("_", "-")[:50]
        etag = self.cf.create_function(
            Name=name, FunctionConfig={"Comment": "", "Runtime": runtime},
            FunctionCode=code.encode())["ETag"]
        arn = self.cf.publish_function(Name=name, IfMatch=etag)[
            "FunctionSummary"]["FunctionMetadata"]["FunctionARN"]
        config = edgesim_serve.distribution_config(name)
        behavior = config["DefaultCacheBehavior"]
        behavior["OriginRequestPolicyId"] = origin_request_policy
        behavior["FunctionAssociations"] = {
            "Quantity": 1, "Items": [{"EventType": event_type, "FunctionARN": arn}]}
        return self.cf.create_distribution(DistributionConfig=config)["Distribution"]["DomainName"]

    def get(self, domain, path, headers=None):
        """(status, response headers with lowercase names, what the origin saw or None)."""
        before = len(EchoOrigin.requests)
        opener = urllib.request.build_opener(_NoRedirect)
        req = urllib.request.Request(SERVE.edge + path, headers={"Host": domain, **(headers or {})})
        try:
            with opener.open(req) as res:
                status, got = res.status, res.headers
                res.read()
        except urllib.error.HTTPError as e:
            status, got = e.code, e.headers
        seen = EchoOrigin.requests[before] if len(EchoOrigin.requests) > before else None
        return status, {k.lower(): v for k, v in got.items()}, seen

    def test_spa_rewrite_reaches_the_origin_and_shares_the_cached_object(self):
        domain = self.distribution_with(SPA_REWRITE, "viewer-request")
        status, headers, seen = self.get(domain, "/blog/")
        self.assertEqual(status, 200)
        self.assertEqual(seen["path"], "/blog/index.html")
        self.assertEqual(headers["x-cache"], "Miss from cloudfront")
        # /blog is rewritten to the same URI: the key is built after the function.
        status, headers, seen = self.get(domain, "/blog")
        self.assertIsNone(seen)
        self.assertEqual(headers["x-cache"], "Hit from cloudfront")
        _, _, seen = self.get(domain, "/app.js")
        self.assertEqual(seen["path"], "/app.js")

    def test_security_headers_on_hits_and_misses(self):
        domain = self.distribution_with(SECURITY_HEADERS, "viewer-response",
                                        runtime="cloudfront-js-2.0")
        for expected_cache in ("Miss from cloudfront", "Hit from cloudfront"):
            status, headers, _ = self.get(domain, "/secure.html")
            self.assertEqual(status, 200)
            self.assertEqual(headers["x-cache"], expected_cache)
            self.assertEqual(headers["strict-transport-security"],
                             "max-age=31536000; includeSubDomains")
            self.assertEqual(headers["x-content-type-options"], "nosniff")
            self.assertEqual(headers["x-frame-options"], "SAMEORIGIN")
            self.assertEqual(headers["content-security-policy"], "default-src 'self'")

    def test_cors_header_follows_the_viewers_origin(self):
        domain = self.distribution_with(CORS, "viewer-response")
        _, headers, _ = self.get(domain, "/api.json", {"Origin": "https://app.example.org"})
        self.assertEqual(headers["access-control-allow-origin"], "https://app.example.org")
        _, headers, _ = self.get(domain, "/api.json")
        self.assertNotIn("access-control-allow-origin", headers)

    def test_redirect_by_country_never_reaches_the_origin(self):
        domain = self.distribution_with(REDIRECT_BY_COUNTRY, "viewer-request",
                                        origin_request_policy=ALL_VIEWER_AND_CLOUDFRONT_HEADERS)
        status, headers, seen = self.get(domain, "/shop", {"CloudFront-Viewer-Country": "FR"})
        self.assertEqual(status, 302)
        self.assertEqual(headers["location"], "https://www.example.org/fr/shop")
        self.assertEqual(headers["x-cache"], "FunctionGeneratedResponse from cloudfront")
        self.assertIsNone(seen)
        status, _, seen = self.get(domain, "/shop", {"CloudFront-Viewer-Country": "DE"})
        self.assertEqual(status, 200)
        self.assertEqual(seen["path"], "/shop")

    def test_cache_control_added_for_the_viewer(self):
        domain = self.distribution_with(CACHE_CONTROL, "viewer-response")
        status, headers, seen = self.get(domain, "/no-cache-control")
        self.assertEqual(status, 200)
        self.assertNotIn("cache-control", seen["headers"])
        self.assertEqual(headers["cache-control"], "public, max-age=86400")

    def test_true_client_ip_reaches_the_origin(self):
        domain = self.distribution_with(TRUE_CLIENT_IP, "viewer-request")
        _, _, seen = self.get(domain, "/whoami")
        self.assertEqual(seen["headers"]["true-client-ip"], "127.0.0.1")

    def test_query_string_normalized_before_the_origin(self):
        domain = self.distribution_with(NORMALIZE_QUERY, "viewer-request")
        _, _, seen = self.get(domain, "/q?utm_source=news&B=2&a=1")
        self.assertEqual(seen["path"], "/q?a=1&b=2")


if __name__ == "__main__":
    unittest.main()
