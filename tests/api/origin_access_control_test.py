#!/usr/bin/env python3
"""Origin access control through a live `edgesim serve` (SPEC 10): a private bucket in moto_server
with IAM authentication on, an S3 origin behind an OAC routed to it with --origin, and the edge
signing (SigV4) what it fetches; the OAC and OAI API with boto3, every error code.

Usage: EDGESIM_BINARY=build/edgesim python3 tests/api/origin_access_control_test.py
"""
import socket
import subprocess
import threading
import time
import unittest
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.exceptions

import edgesim_serve
from edgesim_serve import Serve

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
BUCKET = "private-assets"
ORIGIN_DOMAIN = BUCKET + ".s3.us-east-1.amazonaws.com"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Moto:
    """moto_server with a private bucket, an IAM user allowed s3:*, then authentication on."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                urllib.request.urlopen(self.url + "/moto-api/").read()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        edgesim_serve.isolate_from_user_config()
        anyone = dict(endpoint_url=self.url, region_name="us-east-1",
                      aws_access_key_id="test", aws_secret_access_key="test")
        iam = boto3.client("iam", **anyone)
        iam.create_user(UserName="edge")
        iam.put_user_policy(UserName="edge", PolicyName="read", PolicyDocument=(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*",'
            ' "Resource": "*"}]}'))
        key = iam.create_access_key(UserName="edge")["AccessKey"]
        self.key_id, self.secret = key["AccessKeyId"], key["SecretAccessKey"]
        s3 = boto3.client("s3", **anyone)
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="index.html", Body=b"<h1>private</h1>")
        # From here on every request needs a valid signature by a known key.
        urllib.request.urlopen(urllib.request.Request(
            self.url + "/moto-api/reset-auth", data=b"0", method="POST",
            headers={"Content-Type": "text/plain"})).read()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def get(url, headers=None):
    """(status, body) of a GET, errors included."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def oac_config(name, behavior="always", origin_type="s3", **extra):
    return {"Name": name, "Description": "", "SigningProtocol": "sigv4",
            "SigningBehavior": behavior, "OriginAccessControlOriginType": origin_type, **extra}


def distribution_config(ref, oac_id="", oai="", cache_policy=CACHING_DISABLED):
    return {
        "CallerReference": ref, "Comment": "", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "bucket", "DomainName": ORIGIN_DOMAIN, "OriginAccessControlId": oac_id,
            "S3OriginConfig": {"OriginAccessIdentity": oai}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "bucket", "ViewerProtocolPolicy": "allow-all",
                                 "CachePolicyId": cache_policy},
    }


def error_code(call):
    try:
        call()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
    return None


class SignedFetchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.moto = Moto()

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()

    def serve(self, secret=None):
        serve = Serve("--origin", f"bucket=http://127.0.0.1:{self.moto.port}",
                      "--origin-access-key-id", self.moto.key_id,
                      "--origin-secret-access-key", secret or self.moto.secret)
        self.addCleanup(serve.stop)
        return serve, edgesim_serve.cloudfront(serve)

    def deploy(self, cf, behavior, cache_policy=CACHING_DISABLED):
        oac = cf.create_origin_access_control(
            OriginAccessControlConfig=oac_config("oac-" + behavior, behavior))
        d = cf.create_distribution(DistributionConfig=distribution_config(
            "ref-" + behavior, oac["OriginAccessControl"]["Id"], cache_policy=cache_policy))
        return d["Distribution"]["DomainName"]

    def test_the_bucket_is_private(self):
        status, _ = get(f"{self.moto.url}/{BUCKET}/index.html")
        self.assertEqual(status, 403)

    def test_always_signs_and_the_edge_serves_the_object(self):
        serve, cf = self.serve()
        host = self.deploy(cf, "always")
        status, body = get(serve.edge + "/index.html",
                           {"Host": host, "Authorization": "Bearer viewer"})
        self.assertEqual((status, body), (200, b"<h1>private</h1>"))

    def test_never_passes_the_buckets_403_through(self):
        serve, cf = self.serve()
        host = self.deploy(cf, "never")
        self.assertEqual(get(serve.edge + "/index.html", {"Host": host})[0], 403)

    def test_a_wrong_secret_is_refused_by_the_bucket(self):
        serve, cf = self.serve(secret="not-the-secret")
        host = self.deploy(cf, "always")
        self.assertEqual(get(serve.edge + "/index.html", {"Host": host})[0], 403)

    def test_no_override_forwards_the_viewers_own_signature(self):
        serve, cf = self.serve()
        policy = cf.create_cache_policy(CachePolicyConfig={
            "Name": "auth-in-key", "MinTTL": 0, "DefaultTTL": 0, "MaxTTL": 0,
            "ParametersInCacheKeyAndForwardedToOrigin": {
                "EnableAcceptEncodingGzip": False,
                "HeadersConfig": {"HeaderBehavior": "whitelist", "Headers": {
                    "Quantity": 3,
                    "Items": ["Authorization", "X-Amz-Date", "X-Amz-Content-Sha256"]}},
                "CookiesConfig": {"CookieBehavior": "none"},
                "QueryStringsConfig": {"QueryStringBehavior": "none"}}})["CachePolicy"]["Id"]
        host = self.deploy(cf, "no-override", cache_policy=policy)
        # No viewer Authorization: the edge signs.
        self.assertEqual(get(serve.edge + "/index.html", {"Host": host})[0], 200)

        # The viewer's own SigV4 for the request moto sees (path style, moto's Host) is forwarded
        # unchanged: a right one is served, a wrong one refused, so the edge did not re-sign.
        def viewer_signed(secret):
            request = botocore.awsrequest.AWSRequest(
                method="GET", url=f"{self.moto.url}/{BUCKET}/index.html")
            botocore.auth.S3SigV4Auth(botocore.credentials.Credentials(self.moto.key_id, secret),
                                      "s3", "us-east-1").add_auth(request)
            headers = {k: v for k, v in request.headers.items()
                       if k.lower() in ("authorization", "x-amz-date", "x-amz-content-sha256")}
            return get(serve.edge + "/index.html", {"Host": host, **headers})[0]

        self.assertEqual(viewer_signed(self.moto.secret), 200)
        self.assertEqual(viewer_signed("wrong"), 403)


class CapturingOrigin(BaseHTTPRequestHandler):
    seen = []

    def do_GET(self):
        CapturingOrigin.seen.append((self.path, dict(self.headers.items())))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


class BotocoreAgreementTest(unittest.TestCase):
    def test_the_edge_signs_as_botocore_does(self):
        server = ThreadingHTTPServer(("127.0.0.1", 0), CapturingOrigin)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.shutdown)
        serve = Serve("--origin", f"bucket=http://127.0.0.1:{server.server_port}",
                      "--origin-access-key-id", "AKIDEXAMPLE",
                      "--origin-secret-access-key", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                      "--origin-session-token", "session")
        self.addCleanup(serve.stop)
        cf = edgesim_serve.cloudfront(serve)
        oac = cf.create_origin_access_control(OriginAccessControlConfig=oac_config("o"))
        host = cf.create_distribution(DistributionConfig=distribution_config(
            "r", oac["OriginAccessControl"]["Id"]))["Distribution"]["DomainName"]
        self.assertEqual(get(serve.edge + "/dir/a%20b.txt?x=1", {"Host": host})[0], 200)
        path, headers = CapturingOrigin.seen[-1]
        signed = {k: v for k, v in headers.items() if k.lower() in (
            "host", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token")}
        request = botocore.awsrequest.AWSRequest(
            method="GET", url=f"http://{headers['Host']}{path}", headers=signed)
        request.context["timestamp"] = headers["X-Amz-Date"]
        auth = botocore.auth.S3SigV4Auth(
            botocore.credentials.Credentials("AKIDEXAMPLE",
                                             "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session"),
            "s3", "us-east-1")
        canonical = auth.canonical_request(request)
        expected = auth.signature(auth.string_to_sign(request, canonical), request)
        self.assertTrue(headers["Authorization"].endswith("Signature=" + expected),
                        (headers["Authorization"], canonical))
        self.assertEqual(headers["X-Amz-Security-Token"], "session")


class OriginAccessApiTest(unittest.TestCase):
    def setUp(self):
        self.serve = Serve()
        self.addCleanup(self.serve.stop)
        self.cf = edgesim_serve.cloudfront(self.serve)

    def test_origin_access_control_crud_and_errors(self):
        cf = self.cf
        created = cf.create_origin_access_control(OriginAccessControlConfig=oac_config("a"))
        self.assertEqual(created["ResponseMetadata"]["HTTPStatusCode"], 201)
        oac_id, etag = created["OriginAccessControl"]["Id"], created["ETag"]
        self.assertIn("/origin-access-control/" + oac_id, created["Location"])
        got = cf.get_origin_access_control(Id=oac_id)
        self.assertEqual(got["OriginAccessControl"]["OriginAccessControlConfig"]["SigningBehavior"],
                         "always")
        self.assertEqual(cf.get_origin_access_control_config(Id=oac_id)["ETag"], etag)
        self.assertEqual(error_code(lambda: cf.create_origin_access_control(
            OriginAccessControlConfig=oac_config("a"))), "OriginAccessControlAlreadyExists")
        for bad in (oac_config("b", behavior="sometimes"), oac_config("b", origin_type="ec2"),
                    oac_config("x" * 65), {**oac_config("b"), "SigningProtocol": "sigv2"}):
            self.assertEqual(error_code(lambda: cf.create_origin_access_control(
                OriginAccessControlConfig=bad)), "InvalidArgument", bad)
        self.assertEqual(error_code(lambda: cf.get_origin_access_control(Id="ENOSUCH")),
                         "NoSuchOriginAccessControl")
        # A missing If-Match is refused before the Id is looked up.
        self.assertEqual(error_code(lambda: cf.update_origin_access_control(
            Id="ENOSUCH", IfMatch="", OriginAccessControlConfig=oac_config("a"))),
            "InvalidIfMatchVersion")
        self.assertEqual(error_code(lambda: cf.delete_origin_access_control(
            Id="ENOSUCH", IfMatch="")), "InvalidIfMatchVersion")
        self.assertEqual(error_code(lambda: cf.delete_origin_access_control(
            Id="ENOSUCH", IfMatch="X")), "NoSuchOriginAccessControl")
        self.assertEqual(error_code(lambda: cf.update_origin_access_control(
            Id=oac_id, IfMatch="STALE", OriginAccessControlConfig=oac_config("a"))),
            "PreconditionFailed")
        updated = cf.update_origin_access_control(
            Id=oac_id, IfMatch=etag, OriginAccessControlConfig=oac_config("a", "no-override"))
        etag = updated["ETag"]
        other = cf.create_origin_access_control(OriginAccessControlConfig=oac_config("b"))
        self.assertEqual(error_code(lambda: cf.update_origin_access_control(
            Id=other["OriginAccessControl"]["Id"], IfMatch=other["ETag"],
            OriginAccessControlConfig=oac_config("a"))), "OriginAccessControlAlreadyExists")
        listed = cf.list_origin_access_controls(MaxItems="1")["OriginAccessControlList"]
        self.assertEqual((listed["Quantity"], listed["IsTruncated"]), (1, True))
        self.assertEqual(listed["Items"][0]["SigningBehavior"], "no-override")
        d = cf.create_distribution(DistributionConfig=distribution_config("d", oac_id))
        self.assertEqual(cf.get_distribution_config(Id=d["Distribution"]["Id"])[
            "DistributionConfig"]["Origins"]["Items"][0]["OriginAccessControlId"], oac_id)
        self.assertEqual(error_code(lambda: cf.delete_origin_access_control(
            Id=oac_id, IfMatch=etag)), "OriginAccessControlInUse")
        cf.delete_origin_access_control(Id=other["OriginAccessControl"]["Id"],
                                        IfMatch=other["ETag"])

    def test_distribution_origin_access_errors(self):
        cf = self.cf
        self.assertEqual(error_code(lambda: cf.create_distribution(
            DistributionConfig=distribution_config("a", "ENOSUCH"))), "InvalidOriginAccessControl")
        self.assertEqual(error_code(lambda: cf.create_distribution(
            DistributionConfig=distribution_config(
                "b", oai="origin-access-identity/cloudfront/ENOSUCH"))),
            "InvalidOriginAccessIdentity")
        oac = cf.create_origin_access_control(OriginAccessControlConfig=oac_config("c"))
        oai = cf.create_cloud_front_origin_access_identity(CloudFrontOriginAccessIdentityConfig={
            "CallerReference": "c", "Comment": ""})["CloudFrontOriginAccessIdentity"]["Id"]
        self.assertEqual(error_code(lambda: cf.create_distribution(
            DistributionConfig=distribution_config(
                "c", oac["OriginAccessControl"]["Id"],
                oai="origin-access-identity/cloudfront/" + oai))),
            "IllegalOriginAccessConfiguration")

    def test_origin_access_identity_crud_and_errors(self):
        cf = self.cf
        config = {"CallerReference": "ref-1", "Comment": "legacy"}
        created = cf.create_cloud_front_origin_access_identity(
            CloudFrontOriginAccessIdentityConfig=config)
        self.assertEqual(created["ResponseMetadata"]["HTTPStatusCode"], 201)
        oai = created["CloudFrontOriginAccessIdentity"]
        self.assertEqual(len(oai["S3CanonicalUserId"]), 64)
        again = cf.create_cloud_front_origin_access_identity(
            CloudFrontOriginAccessIdentityConfig=config)
        self.assertEqual(again["CloudFrontOriginAccessIdentity"]["Id"], oai["Id"])
        self.assertEqual(error_code(lambda: cf.create_cloud_front_origin_access_identity(
            CloudFrontOriginAccessIdentityConfig={"CallerReference": "ref-1", "Comment": "x"})),
            "CloudFrontOriginAccessIdentityAlreadyExists")
        etag = cf.get_cloud_front_origin_access_identity(Id=oai["Id"])["ETag"]
        self.assertEqual(error_code(lambda: cf.update_cloud_front_origin_access_identity(
            Id=oai["Id"], IfMatch=etag,
            CloudFrontOriginAccessIdentityConfig={"CallerReference": "ref-2", "Comment": ""})),
            "IllegalUpdate")
        etag = cf.update_cloud_front_origin_access_identity(
            Id=oai["Id"], IfMatch=etag,
            CloudFrontOriginAccessIdentityConfig={"CallerReference": "ref-1", "Comment": "new"}
        )["ETag"]
        self.assertEqual(cf.get_cloud_front_origin_access_identity_config(Id=oai["Id"])[
            "CloudFrontOriginAccessIdentityConfig"]["Comment"], "new")
        listed = cf.list_cloud_front_origin_access_identities()[
            "CloudFrontOriginAccessIdentityList"]
        self.assertEqual([i["Comment"] for i in listed["Items"]], ["new"])
        cf.create_distribution(DistributionConfig=distribution_config(
            "d", oai="origin-access-identity/cloudfront/" + oai["Id"]))
        self.assertEqual(error_code(lambda: cf.delete_cloud_front_origin_access_identity(
            Id=oai["Id"], IfMatch=etag)), "CloudFrontOriginAccessIdentityInUse")
        self.assertEqual(error_code(lambda: cf.get_cloud_front_origin_access_identity(
            Id="ENOSUCH")), "NoSuchCloudFrontOriginAccessIdentity")

    def test_admin_state_lists_them_and_reset_forgets_them(self):
        self.cf.create_origin_access_control(OriginAccessControlConfig=oac_config("s"))
        self.cf.create_cloud_front_origin_access_identity(
            CloudFrontOriginAccessIdentityConfig={"CallerReference": "s", "Comment": ""})
        import json
        state = json.loads(get(self.serve.api + "/_edgesim/origin-access")[1])
        self.assertEqual(len(state["origin_access_controls"]), 1)
        self.assertEqual(len(state["origin_access_identities"]), 1)
        urllib.request.urlopen(urllib.request.Request(
            self.serve.api + "/_edgesim/reset", data=b"", method="POST")).read()
        state = json.loads(get(self.serve.api + "/_edgesim/origin-access")[1])
        self.assertEqual(state, {"origin_access_controls": [], "origin_access_identities": []})


if __name__ == "__main__":
    unittest.main()
