#!/usr/bin/env python3
"""Extracts the shapes edgesim's CloudFront API reaches from botocore's service model.

Run by hand when the operation list changes (the build never runs it: botocore is not
guaranteed on a build machine); it rewrites emulator/cloudfront_shapes.json, which CMake embeds
in the binary (emulator/cloudfront_shapes.h reads it).

    python3 scripts/extract_cloudfront_shapes.py [path/to/service-2.json[.gz]]

Output: {"operations": {Name: {method, uri, status, input, input_root, output, output_root}},
"shapes": {Name: {"type": ..., "members": [[name, shape, xml_name?], ...] | "member": shape,
"member_name": xml_name}}}, members in model order, documentation dropped.
"""
import gzip
import json
import os
import sys

OPERATIONS = [
    "CreateInvalidation", "GetInvalidation", "ListInvalidations",
    "CreateDistribution", "CreateDistributionWithTags", "GetDistribution",
    "GetDistributionConfig", "UpdateDistribution", "DeleteDistribution", "ListDistributions",
    "CreateCachePolicy", "GetCachePolicy", "GetCachePolicyConfig", "UpdateCachePolicy",
    "DeleteCachePolicy", "ListCachePolicies",
    "ListTagsForResource", "TagResource", "UntagResource",
    "CreateOriginRequestPolicy", "GetOriginRequestPolicy", "GetOriginRequestPolicyConfig",
    "UpdateOriginRequestPolicy", "DeleteOriginRequestPolicy", "ListOriginRequestPolicies",
    "CreateResponseHeadersPolicy", "GetResponseHeadersPolicy", "GetResponseHeadersPolicyConfig",
    "UpdateResponseHeadersPolicy", "DeleteResponseHeadersPolicy", "ListResponseHeadersPolicies",
    "CreateOriginAccessControl", "GetOriginAccessControl", "GetOriginAccessControlConfig",
    "UpdateOriginAccessControl", "DeleteOriginAccessControl", "ListOriginAccessControls",
    "CreateCloudFrontOriginAccessIdentity", "GetCloudFrontOriginAccessIdentity",
    "GetCloudFrontOriginAccessIdentityConfig", "UpdateCloudFrontOriginAccessIdentity",
    "DeleteCloudFrontOriginAccessIdentity", "ListCloudFrontOriginAccessIdentities",
    "CreateFunction", "DescribeFunction", "GetFunction", "UpdateFunction", "PublishFunction",
    "ListFunctions", "DeleteFunction", "TestFunction",
    "CreateKeyValueStore", "DescribeKeyValueStore", "UpdateKeyValueStore", "DeleteKeyValueStore",
    "ListKeyValueStores",
]
SCALARS = {"string", "integer", "long", "double", "boolean", "timestamp", "blob"}
NOTICE = ("Extracted from botocore's data/cloudfront/2020-05-31/service-2.json by "
          "scripts/extract_cloudfront_shapes.py. botocore: Copyright Amazon.com, Inc. or its "
          "affiliates. Licensed under the Apache License, Version 2.0 "
          "(http://www.apache.org/licenses/LICENSE-2.0).")


def model_path():
    if len(sys.argv) > 1:
        return sys.argv[1]
    import botocore
    base = os.path.join(os.path.dirname(botocore.__file__), "data", "cloudfront", "2020-05-31")
    plain = os.path.join(base, "service-2.json")
    return plain if os.path.exists(plain) else plain + ".gz"


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def payload(model, io):
    """(shape, root element name) of an operation's input or output payload, or (None, None).

    An input with a locationName and no payload member (CreateFunction, CreateKeyValueStore) is
    its own body: the wrapper's members that are not headers, query or URI labels.
    """
    if io is None:
        return None, None
    wrapper = model["shapes"][io["shape"]]
    name = wrapper.get("payload")
    if name is None:
        if "locationName" in io:
            return io["shape"], io["locationName"]
        return None, None
    member = wrapper["members"][name]
    return member["shape"], member.get("locationName", member["shape"])


def extract(model):
    shapes, todo = {}, []
    operations = {}
    for op in OPERATIONS:
        spec = model["operations"][op]
        in_shape, in_root = payload(model, spec.get("input"))
        out_shape, out_root = payload(model, spec.get("output"))
        operations[op] = {
            "method": spec["http"]["method"], "uri": spec["http"]["requestUri"],
            "status": spec["http"].get("responseCode", 200),
            "input": in_shape, "input_root": in_root,
            "output": out_shape, "output_root": out_root,
        }
        todo += [s for s in (in_shape, out_shape) if s]
    while todo:
        name = todo.pop()
        if name in shapes:
            continue
        src = model["shapes"][name]
        kind = src["type"]
        if kind == "structure":
            members = []
            for member, m in src["members"].items():
                assert not m.get("xmlAttribute"), (name, member)
                if "location" in m:  # a header, query or URI label: not in the body
                    continue
                entry = [member, m["shape"]]
                if m.get("locationName", member) != member:
                    entry.append(m["locationName"])
                members.append(entry)
                todo.append(m["shape"])
            shapes[name] = {"type": kind, "members": members}
        elif kind == "list":
            assert not src.get("flattened"), name
            shapes[name] = {"type": kind, "member": src["member"]["shape"],
                            "member_name": src["member"].get("locationName", "member")}
            todo.append(src["member"]["shape"])
        else:
            assert kind in SCALARS, (name, kind)
            shapes[name] = {"type": kind}
    return {"_notice": NOTICE, "api_version": model["metadata"]["apiVersion"],
            "operations": operations, "shapes": dict(sorted(shapes.items()))}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "emulator",
                       "cloudfront_shapes.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(extract(load(model_path())), f, indent=0, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
