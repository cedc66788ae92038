"""quilt3 reads a package the TypeScript engine pushed to RGW.

Usage: python read_package.py <registry s3://bucket> <user/pkg>
Prints JSON: quilt3's recomputed top hash, header, entries, per-entry hash check with quilt3's own
checksum code, and what list_packages / list_package_versions see.
"""
import json
import sys

import quilt3
from quilt3 import checksums

registry, name = sys.argv[1], sys.argv[2]
pkg = quilt3.Package.browse(name, registry=registry)
entries = []
for lk, entry in pkg.walk():
    data = entry.get_bytes(use_cache_if_available=False)
    recomputed = checksums.calculate_multipart_checksum_bytes(data, checksum_type=entry.hash["type"])
    entries.append({
        "logical_key": lk,
        "physical_key": str(entry.physical_key),
        "size": entry.size,
        "hash": entry.hash,
        "meta": entry._meta,
        "bytes_read": len(data),
        "recomputed": recomputed,
    })
print(json.dumps({
    "top_hash": pkg.top_hash,
    "header": pkg._meta,
    "entries": entries,
    "packages": sorted(p for p in quilt3.list_packages(registry) if p == name),
    "versions": sorted(quilt3.list_package_versions(name, registry=registry)),
}, ensure_ascii=False))
