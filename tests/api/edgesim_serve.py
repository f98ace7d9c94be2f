"""Shared by the Python API tests: a private `edgesim serve` on ports from the OS, and boto3
isolated from the user's ~/.aws (any credentials and region work against edgesim).

    serve = edgesim_serve.Serve("--invalidation-delay", "5")
    cf = edgesim_serve.cloudfront(serve)
    ...
    serve.stop()
"""
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import boto3
import botocore.config


class Serve:
    """`edgesim serve --manual-clock` on ports from the OS."""

    def __init__(self, *args):
        binary = os.environ["EDGESIM_BINARY"]
        self.proc = subprocess.Popen(
            [binary, "serve", "--listen", "127.0.0.1:0", "--api", "127.0.0.1:0", "--threads", "2",
             "--manual-clock", *args], stdout=subprocess.PIPE, text=True)
        urls = {}
        while len(urls) < 2:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("edgesim serve exited before listening")
            name, _, url = line.strip().partition(" listening on ")
            if url:
                urls[name] = url
        self.edge, self.api = urls["edge"], urls["api"]

    def advance(self, seconds):
        req = urllib.request.Request(self.api + "/_edgesim/clock/advance", method="POST",
                                     data=json.dumps({"seconds": seconds}).encode())
        urllib.request.urlopen(req).read()

    def reset(self):
        """POST /_edgesim/reset: forget what the API created."""
        req = urllib.request.Request(self.api + "/_edgesim/reset", method="POST", data=b"")
        urllib.request.urlopen(req).read()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


_isolation = None


def isolate_from_user_config():
    """Points boto3 at empty config and credential files and forgets profiles and endpoints."""
    global _isolation
    if _isolation is None:
        _isolation = tempfile.TemporaryDirectory()
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        path = os.path.join(_isolation.name, name)
        open(path, "w").close()
        os.environ[name] = path
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDFRONT"):
        os.environ.pop(name, None)


def cloudfront(serve, region="us-east-1"):
    """A boto3 CloudFront client on `serve`'s API, without retries."""
    isolate_from_user_config()
    return boto3.client(
        "cloudfront", endpoint_url=serve.api, region_name=region,
        aws_access_key_id="test", aws_secret_access_key="test",
        config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}))


# The managed CachingOptimized cache policy.
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"


def distribution_config(ref, enabled=True, target="origin-1", cache_policy=CACHING_OPTIMIZED,
                        aliases=()):
    """The smallest DistributionConfig with one custom origin and a cache policy."""
    config = {
        "CallerReference": ref, "Comment": "boto3", "Enabled": enabled,
        "Origins": {"Quantity": 1, "Items": [{
            "Id": "origin-1", "DomainName": "origin.example.com",
            "CustomOriginConfig": {"HTTPPort": 80, "HTTPSPort": 443,
                                   "OriginProtocolPolicy": "http-only"}}]},
        "DefaultCacheBehavior": {"TargetOriginId": target, "ViewerProtocolPolicy": "allow-all",
                                 "CachePolicyId": cache_policy},
    }
    if aliases:
        config["Aliases"] = {"Quantity": len(aliases), "Items": list(aliases)}
    return config


def start_moto_s3():
    """moto_server on a free port, answering: (process, its URL)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/moto-api/").read()
            return proc, url
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("moto_server does not answer")
