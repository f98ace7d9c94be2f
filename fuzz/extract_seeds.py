#!/usr/bin/env python3
"""Writes fuzz/corpus/<target>/ from the tests' own inputs (test tables, tests/testdata, docs'
API samples, scenarios/) plus a few hand-written requests. Run from anywhere; it replaces every
seed it writes and leaves files it did not write (crash reproducers committed by hand) alone.
Seeds stay small: at most MAX_SEEDS per target, MAX_BYTES each."""
import gzip
import hashlib
import re
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
MAX_SEEDS = 40
MAX_BYTES = 4096
# A C string literal's body, escapes included.
C_STRING = r'"((?:[^"\\\n]|\\.)*)"'


def c_unescape(s):
    return s.encode("latin-1").decode("unicode_escape").encode("latin-1")


def read(path):
    return (ROOT / path).read_text(encoding="utf-8")


def table_values(path):
    """The second string of each `{"Name", "value", ...}` row of a test's case table."""
    rows = re.findall(r'\{"\w+",\s*' + C_STRING, read(path))
    return [c_unescape(v) for v in rows]


def write(target, seeds):
    out = CORPUS / target
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("seed-*"):
        old.unlink()
    kept = 0
    for seed in seeds:
        if isinstance(seed, str):
            seed = seed.encode()
        if len(seed) > MAX_BYTES or kept == MAX_SEEDS:
            continue
        (out / ("seed-" + hashlib.sha1(seed).hexdigest()[:16])).write_bytes(seed)
        kept += 1
    print(f"{target}: {kept} seeds")


def cache_control():
    return (table_values("tests/policy/cache_control_test.cc")[:25] +
            table_values("tests/policy/http_date_test.cc")[:15])


def path_pattern():
    patterns = re.findall(r"Compile\(" + C_STRING, read("tests/policy/path_pattern_test.cc"))
    patterns += re.findall(C_STRING, read("tests/policy/path_pattern_worked_cases.h").split(
        "kPatterns = ")[1].split(";")[0])
    paths = re.findall(r'Spec12Case\{"\w+",\s*' + C_STRING, read(
        "tests/policy/path_pattern_worked_cases.h"))
    paths += ["/a/./b/../c//d.jpg", "/%61%2Fb/%2e%2E/x", "", "images/a.jpg"]
    return [f"{p}\n{q}" for p in patterns for q in paths[:4]] + [f"{p}\n{p}" for p in patterns]


def invalidation():
    text = read("tests/policy/invalidation_worked_cases.h")
    paths = re.findall(r'Spec62Case\{"\w+",\s*' + C_STRING, text)
    paths += re.findall(r"\{" + C_STRING + r",\s*" + C_STRING, text)
    flat = sorted({c_unescape(p).decode("latin-1") for group in paths for p in
                   (group if isinstance(group, tuple) else (group,)) if p.startswith("/")})
    return ["\n".join(flat[i:i + 4]) for i in range(0, len(flat), 4)] + ["/*", "/a*b", "a", "/" * 10]


# Request text, then the 10 switch bytes cache_key_fuzzer.cc reads from the end.
CACHE_KEY_REQUESTS = [
    "GET /p?size=L&color=red\nAccept-Language: en-US",
    "GET /p?color=red&size=L&color=blue\nCookie: s=1; t=2; s=3",
    "OPTIONS /api/items?page=2&debug\nOrigin: https://example.com\nAccess-Control-Request-Method: PUT",
    "HEAD /index.html\nAccept-Encoding: gzip, br;q=0.5, deflate",
    "GET /a.js?v=2\nAccept-Encoding: BR;q=0, gzip;q=1\nAccept-Encoding: identity",
    "GET /p?a=1&a=&a\nCookie: userid_1=x; userid_2=y; theme=dark\nCookie: lang=fr",
    "GET /%7Euser/a%20b?q=%26&r=%3D\nHost: example.org\nUser-Agent: curl/8.0",
    "POST /form\nContent-Type: application/x-www-form-urlencoded\nCloudFront-Is-Mobile-Viewer: true",
]
SWITCHES = [bytes(10), b"\xff" * 10, b"\x01\x00\x00\x00\xff\xff\xff\xff\xff\xff",
            b"\x82\x01\x00\x00\x03\x00\x03\x00\x03\x00", b"\x1b\x00\x00\x00\x01\x00\x07\x00\x00\x00"]


def cache_key():
    return [r.encode() + s for r in CACHE_KEY_REQUESTS for s in SWITCHES]


def distribution_json():
    files = sorted((ROOT / "tests/testdata").glob("*.json")) + sorted(
        (ROOT / "docs/api-samples").glob("*.json"))
    demo = re.search(r'R"json\((.*?)\)json"', read("cli/demo_distribution.cc"), re.S).group(1)
    return [f.read_bytes() for f in files] + [demo.encode()]


def api_xml():
    bodies = [line for line in read("docs/api-samples/captured-requests.http").splitlines()
              if line.startswith("<")]
    bodies += [c_unescape(b).decode("latin-1") for b in
               re.findall(r'R"\((<.*?)\)"', read("tests/emulator/xml_codec_test.cc"), re.S)]
    bodies += ['<Tags xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Items><Tag>'
               '<Key>team</Key><Value>web</Value></Tag></Items></Tags>',
               '<TagKeys xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Items>'
               '<Key>team</Key></Items></TagKeys>']
    return bodies


def csv_trace():
    lines = read("tests/testdata/sim/trace.csv").splitlines()
    options = "time-col=1,obj-id-col=2,obj-size-col=3,status-col=4,pop-col=5,has-header=true,time-unit=ms"
    seeds = [options + "\n" + "\n".join(lines[i:i + 20]) for i in range(0, 200, 20)]
    seeds += ["time-col=1,obj-id-col=2,obj-size-col=3\n1,10,100\nx,11,100\n3\n4,,100\n5,12,-3\n"
              "6,\"13,100\n7,14,700\n",
              "time-col=2,obj-id-col=1,delimiter=;\n/a;1.5\n/b;0.5\n# comment\n\n\"/c\";2\n"]
    return seeds


def cloudfront_log():
    plain = (ROOT / "tests/testdata/sim/cloudfront/E2EXAMPLE.2026-11-22-07.a1b2c3d4").read_bytes()
    lines = plain.splitlines(keepends=True)
    seeds = [b"".join(lines[:2] + lines[i:i + 10]) for i in range(2, 60, 10)]
    seeds.append(gzip.compress(seeds[0], mtime=0))
    seeds.append(b"".join(lines[2:6]))  # records before any #Fields: line
    return seeds


def oracle_general():
    data = (ROOT / "tests/testdata/sim/formula.oracleGeneral.bin").read_bytes()
    record = 24
    seeds = [data[i * record:(i + 10) * record] for i in range(0, 100, 10)]
    seeds.append(data[:record * 3 + 7])  # a truncated record
    seeds.append(struct.pack("<IQIq", 0xFFFFFFFF, 2**64 - 1, 0xFFFFFFFF, -1))
    seeds.append(gzip.compress(data[:record * 20], mtime=0))
    return seeds


def scenario():
    files = sorted((ROOT / "scenarios").glob("*.json")) + sorted(
        (ROOT / "tests/testdata/sim").glob("golden-*-scenario.json"))
    return [f.read_bytes() for f in files]


HOST = "Host: d111111abcdef8.cloudfront.net\r\n"
EDGE_REQUESTS = [
    "GET / HTTP/1.1\r\n" + HOST + "\r\n",
    "GET /index.html HTTP/1.1\r\n" + HOST + "\r\nGET /index.html HTTP/1.1\r\n" + HOST + "\r\n",
    "GET /assets/app.3f9a1c.js HTTP/1.1\r\n" + HOST + "Accept-Encoding: gzip, br\r\n\r\n"
    "GET /assets/app.3f9a1c.js HTTP/1.1\r\n" + HOST + "If-None-Match: \"x\"\r\n\r\n",
    "HEAD /about.html HTTP/1.0\r\n" + HOST + "x-edgesim-pop: FRA56-P1\r\n\r\n",
    "GET /missing?x=1 HTTP/1.1\r\n" + HOST + "\r\nGET /missing?x=1 HTTP/1.1\r\n" + HOST + "\r\n",
    "POST /api HTTP/1.1\r\n" + HOST + "Content-Length: 5\r\n\r\nhello",
    "PUT /x HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "GET /index.html HTTP/1.1\r\n" + HOST + "Range: bytes=0-10\r\n"
    "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\nCookie: a=1\r\n\r\n",
    "OPTIONS * HTTP/1.1\r\nHost: example.org\r\n\r\n",
    "GET /a/../b//c/%2e%2E/index.html HTTP/1.1\r\nHost: e1edgesimdemo1.cloudfront.localhost:8080\r\n\r\n",
    "DELETE /index.html HTTP/1.1\r\n" + HOST + "\r\n",
]


def edge_request():
    return EDGE_REQUESTS


def main():
    for name, seeds in [("cache_control", cache_control()), ("path_pattern", path_pattern()),
                        ("invalidation", invalidation()), ("cache_key", cache_key()),
                        ("distribution_json", distribution_json()), ("api_xml", api_xml()),
                        ("csv_trace", csv_trace()), ("cloudfront_log", cloudfront_log()),
                        ("oracle_general", oracle_general()), ("scenario", scenario()),
                        ("edge_request", edge_request())]:
        write(name, seeds)


if __name__ == "__main__":
    main()
