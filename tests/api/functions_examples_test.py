#!/usr/bin/env python3
"""The kinds of CloudFront Functions AWS's documentation shows as examples, written anew, through
TestFunction on a live `edgesim serve` with boto3 (API 1.11, SPEC 15.5): URL rewrite for a single
page app, security headers, CORS, redirects by country and by device header, cache-control on the
response, True-Client-IP, query-string normalization, A/B by cookie; and the failures: a function
that throws, one that spins past its compute budget, 1.0 code using `const`, a syntax error.

Usage: EDGESIM_BINARY=build/edgesim python3 tests/api/functions_examples_test.py
"""
import json
import unittest

import edgesim_serve
from edgesim_serve import Serve

CLOUDFRONT_FAILURE = ("The CloudFront function associated with the CloudFront distribution is "
                      "invalid or could not run. ")


def viewer_request(uri, headers=None, querystring=None, cookies=None, ip="203.0.113.9"):
    return {"version": "1.0", "context": {"eventType": "viewer-request"},
            "viewer": {"ip": ip},
            "request": {"method": "GET", "uri": uri, "querystring": querystring or {},
                        "headers": {"host": {"value": "www.example.org"}, **(headers or {})},
                        "cookies": cookies or {}}}


def viewer_response(request_headers=None, response_headers=None, status=200):
    event = viewer_request("/index.html", headers=request_headers)
    event["context"]["eventType"] = "viewer-response"
    event["response"] = {"statusCode": status, "statusDescription": "OK",
                         "headers": {"content-type": {"value": "text/html"},
                                     **(response_headers or {})},
                         "cookies": {}}
    return event


SPA_REWRITE = """
function handler(event) {
    var request = event.request;
    var last = request.uri.split('/').pop();
    if (request.uri.endsWith('/')) {
        request.uri = request.uri + 'index.html';
    } else if (last.indexOf('.') === -1) {
        request.uri = request.uri + '/index.html';
    }
    return request;
}
"""

SECURITY_HEADERS = """
async function handler(event) {
    const headers = event.response.headers;
    headers['strict-transport-security'] = { value: 'max-age=31536000; includeSubDomains' };
    headers['x-content-type-options'] = { value: 'nosniff' };
    headers['x-frame-options'] = { value: 'SAMEORIGIN' };
    headers['referrer-policy'] = { value: 'no-referrer' };
    headers['content-security-policy'] = { value: "default-src 'self'" };
    return event.response;
}
"""

CORS = """
function handler(event) {
    var response = event.response;
    var origin = event.request.headers['origin'];
    if (!response.headers['access-control-allow-origin'] && origin) {
        console.log('adding Access-Control-Allow-Origin for ' + origin.value);
        response.headers['access-control-allow-origin'] = { value: origin.value };
        response.headers['vary'] = { value: 'Origin' };
    }
    return response;
}
"""

REDIRECT_BY_COUNTRY = """
function handler(event) {
    var request = event.request;
    var country = request.headers['cloudfront-viewer-country'];
    if (country && country.value === 'FR' && request.uri.indexOf('/fr/') !== 0) {
        return {
            statusCode: 302,
            statusDescription: 'Found',
            headers: { location: { value: 'https://www.example.org/fr' + request.uri } }
        };
    }
    return request;
}
"""

REDIRECT_BY_DEVICE = """
function handler(event) {
    var mobile = event.request.headers['cloudfront-is-mobile-viewer'];
    if (mobile && mobile.value === 'true') {
        return { statusCode: 307, statusDescription: 'Temporary Redirect',
                 headers: { location: { value: 'https://m.example.org' + event.request.uri } } };
    }
    return event.request;
}
"""

CACHE_CONTROL = """
function handler(event) {
    var response = event.response;
    if (response.statusCode === 200 && !response.headers['cache-control']) {
        response.headers['cache-control'] = { value: 'public, max-age=86400' };
    }
    return response;
}
"""

TRUE_CLIENT_IP = """
function handler(event) {
    var request = event.request;
    request.headers['true-client-ip'] = { value: event.viewer.ip };
    return request;
}
"""

NORMALIZE_QUERY = """
function handler(event) {
    var request = event.request;
    var byName = {};
    Object.keys(request.querystring).forEach(function (name) {
        var lower = name.toLowerCase();
        if (lower.indexOf('utm_') !== 0) byName[lower] = request.querystring[name];
    });
    var kept = {};
    Object.keys(byName).sort().forEach(function (name) { kept[name] = byName[name]; });
    request.querystring = kept;
    return request;
}
"""

AB_BY_COOKIE = """
function handler(event) {
    var request = event.request;
    var group = request.cookies['ab-group'];
    var variant = group && group.value === 'b' ? 'b' : 'a';
    console.log('variant ' + variant);
    request.uri = '/experiment-' + variant + request.uri;
    return request;
}
"""


class FunctionExamplesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # A budget far above any example's needs, so a loaded machine cannot make one run out.
        cls.serve = Serve("--function-compute-budget-ms", "50")
        cls.cf = edgesim_serve.cloudfront(cls.serve)
        cls.count = 0

    @classmethod
    def tearDownClass(cls):
        cls.serve.stop()

    def run_function(self, code, event, runtime="cloudfront-js-1.0"):
        """TestResult of `code` (a new DEVELOPMENT function) on `event`."""
        type(self).count += 1
        name = "example-%d" % self.count
        etag = self.cf.create_function(
            Name=name, FunctionConfig={"Comment": "", "Runtime": runtime},
            FunctionCode=code.encode())["ETag"]
        result = self.cf.test_function(Name=name, IfMatch=etag,
                                       EventObject=json.dumps(event).encode())["TestResult"]
        self.assertEqual(result["FunctionSummary"]["Name"], name)
        self.assertEqual(result["FunctionSummary"]["FunctionMetadata"]["Stage"], "DEVELOPMENT")
        self.assertTrue(0 <= int(result["ComputeUtilization"]) <= 100, result)
        return result

    def output_of(self, code, event, runtime="cloudfront-js-1.0"):
        result = self.run_function(code, event, runtime)
        self.assertEqual(result["FunctionErrorMessage"], "", result)
        return json.loads(result["FunctionOutput"])

    def test_spa_rewrite_appends_index_html(self):
        for uri, expected in (("/blog/", "/blog/index.html"), ("/blog", "/blog/index.html"),
                              ("/app.js", "/app.js")):
            out = self.output_of(SPA_REWRITE, viewer_request(uri))
            self.assertEqual(out["request"]["uri"], expected)

    def test_security_headers_on_the_viewer_response(self):
        out = self.output_of(SECURITY_HEADERS, viewer_response(), "cloudfront-js-2.0")
        headers = out["response"]["headers"]
        self.assertEqual(headers["x-frame-options"], {"value": "SAMEORIGIN"})
        self.assertEqual(headers["strict-transport-security"]["value"],
                         "max-age=31536000; includeSubDomains")
        self.assertEqual(headers["content-type"], {"value": "text/html"})
        self.assertEqual(out["response"]["statusCode"], 200)

    def test_cors_header_from_the_origin_with_a_log_line(self):
        result = self.run_function(
            CORS, viewer_response(request_headers={"origin": {"value": "https://app.example.org"}}))
        self.assertEqual(result["FunctionExecutionLogs"],
                         ["adding Access-Control-Allow-Origin for https://app.example.org"])
        headers = json.loads(result["FunctionOutput"])["response"]["headers"]
        self.assertEqual(headers["access-control-allow-origin"]["value"],
                         "https://app.example.org")
        result = self.run_function(CORS, viewer_response(
            request_headers={"origin": {"value": "https://app.example.org"}},
            response_headers={"access-control-allow-origin": {"value": "*"}}))
        self.assertEqual(result["FunctionExecutionLogs"], [])
        self.assertEqual(json.loads(result["FunctionOutput"])["response"]["headers"]
                         ["access-control-allow-origin"]["value"], "*")

    def test_redirect_by_country_header_is_a_response(self):
        out = self.output_of(REDIRECT_BY_COUNTRY, viewer_request(
            "/shop", headers={"cloudfront-viewer-country": {"value": "FR"}}))
        self.assertEqual(out["response"]["statusCode"], 302)
        self.assertEqual(out["response"]["headers"]["location"]["value"],
                         "https://www.example.org/fr/shop")
        out = self.output_of(REDIRECT_BY_COUNTRY, viewer_request(
            "/shop", headers={"cloudfront-viewer-country": {"value": "CA"}}))
        self.assertEqual(out["request"]["uri"], "/shop")

    def test_redirect_by_device_header(self):
        out = self.output_of(REDIRECT_BY_DEVICE, viewer_request(
            "/news", headers={"cloudfront-is-mobile-viewer": {"value": "true"}}),
            "cloudfront-js-2.0")
        self.assertEqual(out["response"]["statusCode"], 307)
        self.assertEqual(out["response"]["headers"]["location"]["value"],
                         "https://m.example.org/news")

    def test_cache_control_added_to_the_response(self):
        out = self.output_of(CACHE_CONTROL, viewer_response())
        self.assertEqual(out["response"]["headers"]["cache-control"]["value"],
                         "public, max-age=86400")
        out = self.output_of(CACHE_CONTROL, viewer_response(
            response_headers={"cache-control": {"value": "no-store"}}))
        self.assertEqual(out["response"]["headers"]["cache-control"]["value"], "no-store")

    def test_true_client_ip_is_the_viewer_address(self):
        out = self.output_of(TRUE_CLIENT_IP, viewer_request("/", ip="198.51.100.23"))
        self.assertEqual(out["request"]["headers"]["true-client-ip"]["value"], "198.51.100.23")

    def test_query_string_normalized(self):
        query = {"Size": {"value": "L"}, "utm_source": {"value": "mail"},
                 "color": {"value": "red"}}
        out = self.output_of(NORMALIZE_QUERY, viewer_request("/p", querystring=query))
        self.assertEqual(list(out["request"]["querystring"]), ["color", "size"])
        self.assertEqual(out["request"]["querystring"]["size"], {"value": "L"})

    def test_ab_group_from_a_cookie(self):
        result = self.run_function(AB_BY_COOKIE, viewer_request(
            "/home", cookies={"ab-group": {"value": "b"}}))
        self.assertEqual(result["FunctionExecutionLogs"], ["variant b"])
        self.assertEqual(json.loads(result["FunctionOutput"])["request"]["uri"],
                         "/experiment-b/home")
        out = self.output_of(AB_BY_COOKIE, viewer_request("/home"))
        self.assertEqual(out["request"]["uri"], "/experiment-a/home")

    def test_a_throwing_function_reports_its_error_and_earlier_logs(self):
        code = ("function handler(event) {\n  console.log('checking', event.request.uri);\n"
                "  throw new TypeError('no token');\n}")
        result = self.run_function(code, viewer_request("/private"))
        self.assertEqual(result["FunctionErrorMessage"],
                         CLOUDFRONT_FAILURE + "TypeError: no token (line 3)")
        self.assertEqual(result["FunctionExecutionLogs"], ["checking /private"])
        self.assertEqual(result.get("FunctionOutput", ""), "")

    def test_a_loop_past_the_compute_budget_fails(self):
        result = self.run_function("function handler(event) { while (true) {} }",
                                   viewer_request("/"))
        self.assertTrue(result["FunctionErrorMessage"].startswith(CLOUDFRONT_FAILURE), result)
        self.assertIn("compute budget", result["FunctionErrorMessage"])
        self.assertEqual(result["ComputeUtilization"], "100")

    def test_runtime_1_refuses_const(self):
        code = "function handler(event) {\n  const r = event.request;\n  return r;\n}"
        result = self.run_function(code, viewer_request("/"))
        self.assertEqual(result["FunctionErrorMessage"], CLOUDFRONT_FAILURE +
                         "SyntaxError: const is not supported in cloudfront-js-1.0 (line 2)")
        self.assertEqual(self.output_of(code, viewer_request("/"), "cloudfront-js-2.0")
                         ["request"]["uri"], "/")

    def test_a_syntax_error_is_stored_and_reported_by_the_test(self):
        result = self.run_function("function handler(event) {\n  return event.;\n}",
                                   viewer_request("/"))
        self.assertIn("SyntaxError", result["FunctionErrorMessage"])
        self.assertIn("(line 2)", result["FunctionErrorMessage"])

    def test_event_type_comes_from_the_event_shape_without_context(self):
        event = viewer_response()
        del event["context"]
        out = self.output_of("function handler(event) { return event.response; }", event)
        self.assertEqual(out["response"]["statusCode"], 200)


if __name__ == "__main__":
    unittest.main()
