#!/usr/bin/env python3
"""docs/api.md section 1.6's error table, replayed: for every row, the server is made to send
that error and must answer with the row's code, HTTP status and message, word for word.

Usage: EDGESIM_BINARY=build/edgesim python3 tests/api/error_messages_test.py
"""
import os
import re
import unittest
import urllib.error
import urllib.request

import botocore.exceptions

import edgesim_serve
from edgesim_serve import Serve
from edgesim_serve import distribution_config as config

API_MD = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "api.md")


def error_table():
    """The rows of section 1.6's table: (code, status, message template)."""
    with open(API_MD, encoding="utf-8") as f:
        text = f.read()
    section = text[text.index("### 1.6 Errors"):text.index("### 1.7")]
    rows = re.findall(r"^\| (\w+) \| (\d{3}) \| `([^`]*)` \|", section, re.MULTILINE)
    if not rows:
        raise AssertionError("docs/api.md section 1.6 has no error table")
    return [(code, int(status), message) for code, status, message in rows]


def message_pattern(template):
    """The template as a regular expression: each {Name} matches any text."""
    return "^" + re.sub(r"\\\{\w+\\\}", ".+", re.escape(template)) + "$"


class ErrorMessagesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.serve = Serve()
        cls.cf = edgesim_serve.cloudfront(cls.serve)
        created = cls.cf.create_distribution(DistributionConfig=config("errors-base"))
        cls.id = created["Distribution"]["Id"]
        cls.etag = created["ETag"]

    @classmethod
    def tearDownClass(cls):
        cls.serve.stop()

    def raw(self, method, path, body=None):
        """(status, code, message) of a raw request the SDK would not send."""
        req = urllib.request.Request(self.serve.api + path, method=method, data=body)
        try:
            urllib.request.urlopen(req)
        except urllib.error.HTTPError as e:
            body = e.read().decode()
            code = re.search(r"<Code>(.*?)</Code>", body).group(1)
            message = re.search(r"<Message>(.*?)</Message>", body).group(1)
            return e.code, code, message.replace("&apos;", "'").replace("&quot;", '"')
        raise AssertionError(f"{method} {path} succeeded")

    def sdk(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            call(**kwargs)
        response = raised.exception.response
        return (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"],
                response["Error"]["Message"])

    def triggers(self):
        """For each code, the calls that make the server send it, in the table's row order."""
        cf = self.cf
        inconsistent = config("errors-quantity")
        inconsistent["Origins"]["Quantity"] = 2
        cf.create_distribution(DistributionConfig=config("errors-cname", aliases=["www.example.com"]))
        batch_paths = [f"/p{i}" for i in range(3001)]
        return {
            "NoSuchDistribution": [lambda: self.sdk(cf.get_distribution, Id="ENOSUCHDIST")],
            "NoSuchInvalidation": [lambda: self.sdk(cf.get_invalidation, DistributionId=self.id,
                                                    Id="INOSUCHINVALIDATION")],
            "NoSuchOrigin": [lambda: self.sdk(cf.create_distribution, DistributionConfig=config(
                "errors-origin", target="elsewhere"))],
            "NoSuchCachePolicy": [lambda: self.sdk(cf.create_distribution, DistributionConfig=config(
                "errors-policy", cache_policy="00000000-0000-0000-0000-000000000000"))],
            "InconsistentQuantities": [lambda: self.sdk(cf.create_distribution,
                                                        DistributionConfig=inconsistent)],
            "InvalidIfMatchVersion": [lambda: self.sdk(cf.delete_distribution, Id=self.id,
                                                       IfMatch="")],
            "PreconditionFailed": [lambda: self.sdk(cf.delete_distribution, Id=self.id,
                                                    IfMatch="E0STALE0ETAG0")],
            "DistributionNotDisabled": [lambda: self.sdk(cf.delete_distribution, Id=self.id,
                                                         IfMatch=self.etag)],
            "DistributionAlreadyExists": [lambda: self.sdk(
                cf.create_distribution, DistributionConfig=config("errors-base"))],
            "CNAMEAlreadyExists": [lambda: self.sdk(cf.create_distribution, DistributionConfig=config(
                "errors-cname-2", aliases=["www.example.com"]))],
            "IllegalUpdate": [lambda: self.sdk(cf.update_distribution, Id=self.id,
                                               DistributionConfig=config("errors-other-ref"),
                                               IfMatch=self.etag)],
            "InvalidArgument": [lambda: self.sdk(cf.create_invalidation, DistributionId=self.id,
                                                 InvalidationBatch={
                                                     "CallerReference": "errors-path",
                                                     "Paths": {"Quantity": 1,
                                                               "Items": ["no-slash"]}})],
            "MissingBody": [lambda: self.raw("POST", "/2020-05-31/distribution")],
            "MalformedInput": [lambda: self.raw("POST", "/2020-05-31/distribution",
                                                b"<" * (2 << 20))],
            "BatchTooLarge": [lambda: self.sdk(cf.create_invalidation, DistributionId=self.id,
                                               InvalidationBatch={
                                                   "CallerReference": "errors-batch",
                                                   "Paths": {"Quantity": len(batch_paths),
                                                             "Items": batch_paths}})],
            "NoSuchResource": [lambda: self.sdk(
                cf.list_tags_for_resource,
                Resource="arn:aws:cloudfront::123456789012:distribution/ENOSUCHDIST")],
        }

    def test_every_row_is_what_the_server_sends(self):
        triggers = self.triggers()
        for code, status, template in error_table():
            with self.subTest(code=code, message=template):
                self.assertTrue(triggers.get(code), f"no trigger for {code}: add one")
                got_status, got_code, got_message = triggers[code].pop(0)()
                self.assertEqual((got_code, got_status), (code, status))
                self.assertRegex(got_message, message_pattern(template))


if __name__ == "__main__":
    unittest.main()
