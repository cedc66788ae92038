"""quilt3 builds packages the TypeScript engine then reads.

Usage: python build_package.py <registry s3://bucket> <user/pkg> <s3 data prefix> <local folder> <local registry folder>

1. Writes tricky files into <local folder> (non-ASCII names, nested folders, an empty file, a file
   over 8 MiB) and uploads them with boto3 under <s3 data prefix> (quilt3's own upload needs
   ChecksumSHA256 in PutObject responses, which RGW does not return).
2. quilt3 builds <user/pkg> from that S3 prefix into the S3 registry: quilt3 lists, hashes (reading
   the objects from RGW), writes the manifest and the pointers.
3. quilt3 builds the same local files into a LOCAL registry folder.
4. Tries quilt3's push of the local files to RGW and reports whether it worked.
Prints JSON with both top hashes, the metadata used and the push outcome.
"""
import json
import os
import sys
import pathlib
import traceback

import boto3
import quilt3

registry, name, s3_prefix, folder, local_registry = sys.argv[1:6]
bucket = registry[len("s3://"):]
prefix_key = s3_prefix[len(f"s3://{bucket}/"):]

FILES = {
    "README.md": b"# interop\n",
    "a.txt": b"a",
    "a-b.txt": b"a-b",
    "a/b.txt": b"nested b",
    "a/c/d/e.txt": b"deep",
    "empty.dat": b"",
    "\u00c4rger/\u00fcber.csv": "x,y\n1,\u00e9\n".encode(),
    "\u65e5\u672c/\u30c7\u30fc\u30bf.csv": "k,v\n\u65e5,\u672c\n".encode(),
    "emoji \U0001F600/space & plus+.txt": b"emoji",
    "big/over-8MiB.bin": os.urandom(9 * 1024 * 1024 + 123),
}
# Metadata comes as JSON text from the test, so both sides read the very same text.
PKG_META = json.loads(os.environ["INTEROP_PKG_META"])
ENTRY_META = json.loads(os.environ["INTEROP_ENTRY_META"])
MESSAGE = "built by quilt3 \u2014 \u00e9\u00e8"

s3 = boto3.client("s3")
for lk, data in FILES.items():
    path = pathlib.Path(folder, lk)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    s3.put_object(Bucket=bucket, Key=prefix_key + lk, Body=data)

remote = quilt3.Package()
remote.set_dir("/", s3_prefix, meta=PKG_META)
remote["\u00c4rger/\u00fcber.csv"].set_meta(ENTRY_META)
remote_hash = remote.build(name, registry=registry, message=MESSAGE)

local = quilt3.Package()
local.set_dir("/", folder, meta=PKG_META)
local_hash = local.build(name, registry=pathlib.Path(local_registry).as_uri(), message=MESSAGE)

push = {"ok": False}
try:
    pushed = quilt3.Package()
    pushed.set_dir("/", folder, meta=PKG_META)
    pushed.push(name + "-push", registry=registry, message=MESSAGE, force=True)
    push = {"ok": True}
except Exception as e:  # expected against RGW: no ChecksumSHA256 in upload responses
    push = {"ok": False, "error": f"{type(e).__name__}: {e}", "where": traceback.format_exc().strip().splitlines()[-3:]}

print(json.dumps({
    "remote_hash": remote_hash,
    "local_hash": local_hash,
    "logical_keys": [lk for lk, _ in remote.walk()],
    "message": MESSAGE,
    "entry_meta_key": "\u00c4rger/\u00fcber.csv",
    "push": push,
}, ensure_ascii=False))
