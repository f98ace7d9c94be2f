#!/usr/bin/env python3
"""ARN partitions (docs/api.md section 2.1): a boto3 client configured for a China
region gets arn:aws-cn ARNs, tags by them and gets *.cloudfront.cn domain names; one configured for GovCloud gets standard ARNs, as
CloudFront lives outside the GovCloud partition.

Usage: EDGESIM_BINARY=build/edgesim python3 tests/api/partition_test.py
"""
import unittest

import botocore.exceptions

import edgesim_serve
from edgesim_serve import Serve, distribution_config


class PartitionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.serve = Serve()
        cls.cn = edgesim_serve.cloudfront(cls.serve, region="cn-north-1")

    @classmethod
    def tearDownClass(cls):
        cls.serve.stop()

    def test_a_china_client_gets_and_tags_by_aws_cn_arns(self):
        created = self.cn.create_distribution(DistributionConfig=distribution_config("cn-1"))
        dist = created["Distribution"]
        arn = f"arn:aws-cn:cloudfront::123456789012:distribution/{dist['Id']}"
        self.assertEqual(dist["ARN"], arn)
        self.assertEqual(self.cn.get_distribution(Id=dist["Id"])["Distribution"]["ARN"], arn)
        listed = self.cn.list_distributions()["DistributionList"]["Items"]
        self.assertIn(arn, [d["ARN"] for d in listed])
        self.cn.tag_resource(Resource=arn, Tags={"Items": [{"Key": "team", "Value": "edge"}]})
        self.assertEqual(self.cn.list_tags_for_resource(Resource=arn)["Tags"]["Items"],
                         [{"Key": "team", "Value": "edge"}])
        # The same distribution named in the standard partition is no ARN of this caller's.
        with self.assertRaises(botocore.exceptions.ClientError) as raised:
            self.cn.list_tags_for_resource(Resource=arn.replace("aws-cn", "aws", 1))
        self.assertEqual(raised.exception.response["Error"]["Code"], "InvalidArgument")

    def test_a_china_client_gets_a_cloudfront_cn_domain(self):
        # docs/api.md section 1.10: China's default CloudFront domain is *.cloudfront.cn.
        dist = self.cn.create_distribution(
            DistributionConfig=distribution_config("cn-domain"))["Distribution"]
        self.assertRegex(dist["DomainName"], r"^d[a-z0-9]{13}\.cloudfront\.cn$")
        self.assertEqual(self.cn.get_distribution(Id=dist["Id"])["Distribution"]["DomainName"],
                         dist["DomainName"])

    def test_other_regions_get_the_standard_partition(self):
        for region in ("us-east-1", "eu-west-1", "us-gov-west-1"):
            cf = edgesim_serve.cloudfront(self.serve, region=region)
            dist = cf.create_distribution(
                DistributionConfig=distribution_config("std-" + region))["Distribution"]
            self.assertEqual(dist["ARN"],
                             f"arn:aws:cloudfront::123456789012:distribution/{dist['Id']}")
            self.assertRegex(dist["DomainName"], r"\.cloudfront\.net$")


if __name__ == "__main__":
    unittest.main()
