"""The quilt3 oracle: what a package in an S3 registry really holds, as the real quilt3 reads it.

A long-lived process speaking JSON lines: one request per line on stdin, one response per line on
stdout, in any order the caller likes to match by id (requests are answered one after the other).

  request   {"id": 1, "op": "browse", "args": {"registry": "s3://bucket", "name": "team/data", "hash": "..."}}
  response  {"id": 1, "ok": true, "result": {...}}
            {"id": 1, "ok": false, "error": {"type": "NotFound", "message": "..."}}

Operations (quilt3's public API only):
  ping          {}                                  -> {"quilt3": version, "python": version, "pid": n}
  browse        {registry, name, hash?}             -> {top_hash, message, user_meta_json, entries, total_bytes, total_entries}
                hash: a full top hash or a unique prefix of at least 6 hex digits; absent: the latest revision.
                The top hash quilt3 computes from what it loaded must equal the requested (resolved) hash,
                else the answer is the error TopHashMismatch (quilt3 8.0.0's browse does not check it).
  latest_hash   {registry, name}                    -> the hash of the "latest" pointer, or null
  revisions     {registry, name}                    -> [[timestamp, hash], ...] newest first; the timestamp is
                the pointer's name as quilt3 lists it (unix seconds as text); "latest" is left out
                (latest_hash answers it), as are pointers whose name is not a timestamp.
  list_packages {registry, prefix?}                 -> sorted package names (those starting with prefix)

Error types: NotFound (no such package, revision or manifest), BadRequest (malformed request or
argument), TopHashMismatch, NoSuchBucket, AccessDenied, S3Error (other S3 error codes),
ConnectionError, UnsafeInteger (a size JSON cannot carry exactly), QuiltException (other quilt3
refusals), InternalError (anything else; the traceback goes to stderr).

Environment: the caller sets AWS credentials/region/endpoint (AWS_ENDPOINT_URL_S3), a private HOME
and XDG folders, QUILT_DISABLE_USAGE_METRICS=true and QUILT_DISABLE_CACHE=true (every browse reads
the manifest from S3, never a local copy). The process ends at end of input.
"""
import json
import os
import re
import sys
import traceback

# The protocol owns the real stdout; anything else printing (quilt3, tqdm, a C library) goes to stderr.
_PROTOCOL = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n")
os.dup2(2, 1)
sys.stdout = sys.stderr

import botocore.exceptions  # noqa: E402
import quilt3  # noqa: E402
import quilt3.hooks  # noqa: E402
from botocore import UNSIGNED  # noqa: E402
from quilt3.data_transfer import S3NoValidClientError  # noqa: E402
from quilt3.util import QuiltException  # noqa: E402

NAME = re.compile(r"^[\w-]+/[\w-]+$")  # quilt3.util.PACKAGE_NAME_FORMAT
HASH = re.compile(r"^[0-9a-f]{6,64}$")
REGISTRY = re.compile(r"^s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/?$")
MAX_SAFE_INTEGER = 2**53 - 1  # JavaScript reads larger JSON numbers inexactly
NOT_FOUND_CODES = {"NoSuchKey", "404", "NotFound", "NoSuchVersion"}
DENIED_CODES = {"AccessDenied", "403", "Forbidden", "InvalidAccessKeyId", "SignatureDoesNotMatch"}


class OracleError(Exception):
    def __init__(self, type_, message):
        super().__init__(message)
        self.type = type_
        self.message = message


# quilt3 builds a new boto3 session and S3 client for almost every call (~0.3 s each). Its public
# client hook lets the oracle build each kind (signed / unsigned) once, with quilt3's own arguments.
_clients = {}


def _reuse_clients(build_client_base, session, client_kwargs, **kwargs):
    config = client_kwargs.get("config")
    kind = "unsigned" if getattr(config, "signature_version", None) is UNSIGNED else "signed"
    if kind not in _clients:
        _clients[kind] = build_client_base(session, client_kwargs, **kwargs)
    return _clients[kind]


quilt3.hooks.set_build_s3_client_hook(_reuse_clients)


# ---- arguments -------------------------------------------------------------------------------

def _str_arg(args, key, op, example, optional=False):
    if key not in args or args[key] is None:
        if optional:
            return None
        raise OracleError("BadRequest", f"{op}: the argument {key!r} is missing, for example {key}={example!r}")
    value = args[key]
    if not isinstance(value, str):
        raise OracleError("BadRequest", f"{op}: {key} must be a string, for example {example!r}; got {json.dumps(value)}")
    return value


def _registry(args, op):
    registry = _str_arg(args, "registry", op, "s3://my-bucket")
    if not REGISTRY.match(registry):
        raise OracleError("BadRequest", f"{op}: {registry!r} is not an S3 registry: write s3://<bucket>, for example s3://my-bucket")
    return registry.rstrip("/")


def _name(args, op):
    name = _str_arg(args, "name", op, "team/dataset")
    if not NAME.match(name):
        raise OracleError("BadRequest", f"{op}: {name!r} is not a quilt3 package name: write <namespace>/<name> with letters, digits, '_' or '-', for example 'team/dataset'")
    return name


def _hash(args, op):
    top_hash = _str_arg(args, "hash", op, "e3b0c442...", optional=True)
    if top_hash is not None and not HASH.match(top_hash):
        raise OracleError("BadRequest", f"{op}: {top_hash!r} is not a top hash: write the 64 lower-case hex digits of a revision, or a unique prefix of at least 6 of them")
    return top_hash


def _safe_int(value, what):
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER:
        raise OracleError("UnsafeInteger", f"{what} is {value}, beyond 2^53-1: JSON readers in JavaScript would not read it exactly")
    return value


def _dumps(value):
    """Python's json.dumps with sorted keys: 1.0, -0.0, 1e-05 and big integers keep their spelling."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# ---- operations ------------------------------------------------------------------------------

def _latest(registry, name):
    for pointer, top_hash in quilt3.list_package_versions(name, registry=registry):
        if pointer == "latest":
            return top_hash
    return None


def op_ping(_args):
    return {"quilt3": quilt3.__version__, "python": sys.version.split()[0], "pid": os.getpid()}


def op_latest_hash(args):
    return _latest(_registry(args, "latest_hash"), _name(args, "latest_hash"))


def op_revisions(args):
    registry, name = _registry(args, "revisions"), _name(args, "revisions")
    revisions = [(pointer, top_hash) for pointer, top_hash in quilt3.list_package_versions(name, registry=registry)
                 if pointer.isdigit()]
    revisions.sort(key=lambda r: (-int(r[0]), r[1]))
    return [list(r) for r in revisions]


def op_list_packages(args):
    registry = _registry(args, "list_packages")
    prefix = _str_arg(args, "prefix", "list_packages", "team/", optional=True) or ""
    return sorted({name for name in quilt3.list_packages(registry) if name.startswith(prefix)})


def op_browse(args):
    registry, name, requested = _registry(args, "browse"), _name(args, "browse"), _hash(args, "browse")
    where = f"{name}@{requested}" if requested else name
    if requested is None:
        top_hash = _latest(registry, name)
        if top_hash is None:
            raise OracleError("NotFound", f"browse: package {name} has no latest revision in {registry}")
    elif len(requested) < 64:
        try:
            top_hash = quilt3.Package.resolve_hash(name, registry, requested)
        except QuiltException as e:
            if "zero matches" in str(e):
                raise OracleError("NotFound", f"browse: no revision of {name} in {registry} has a top hash starting with {requested} (quilt3: {e})")
            raise
    else:
        top_hash = requested
    try:
        pkg = quilt3.Package.browse(name, registry=registry, top_hash=top_hash)
    except botocore.exceptions.ClientError as e:
        if _code(e) in NOT_FOUND_CODES:
            raise OracleError("NotFound", f"browse: {registry} has no manifest {top_hash} (for {where}; S3 said {_code(e)})")
        raise
    computed = pkg.top_hash
    if computed != top_hash:
        raise OracleError("TopHashMismatch", f"browse: the manifest of {where} in {registry} hashes to {computed}, not to {top_hash}: it does not hold what its name says")
    header = next(iter(pkg.manifest))
    entries = []
    total_bytes = 0
    for logical_key, entry in pkg.walk():
        size = _safe_int(entry.size, f"the size of {logical_key!r}")
        hash_obj = entry.hash if isinstance(entry.hash, dict) else {}
        entries.append({
            "logical_key": logical_key,
            "physical_key": str(entry.physical_key),
            "size": size,
            "hash_type": hash_obj.get("type"),
            "hash_value": hash_obj.get("value"),
            "meta_json": _dumps(entry.meta),
        })
        total_bytes += size
    return {
        "top_hash": computed,
        "message": header.get("message"),
        "user_meta_json": _dumps(pkg.meta),
        "entries": entries,
        "total_bytes": _safe_int(total_bytes, "the total size"),
        "total_entries": len(entries),
    }


OPS = {
    "ping": op_ping,
    "browse": op_browse,
    "latest_hash": op_latest_hash,
    "revisions": op_revisions,
    "list_packages": op_list_packages,
}


# ---- errors and the loop ---------------------------------------------------------------------

def _code(e):
    return str(e.response.get("Error", {}).get("Code", "")) if isinstance(e, botocore.exceptions.ClientError) else ""


def _classify(e, op):
    if isinstance(e, OracleError):
        return e.type, e.message
    if isinstance(e, botocore.exceptions.ClientError):
        code = _code(e)
        if code in NOT_FOUND_CODES:
            return "NotFound", f"{op}: {e}"
        if code == "NoSuchBucket":
            return "NoSuchBucket", f"{op}: {e}"
        if code in DENIED_CODES:
            return "AccessDenied", f"{op}: {e}"
        return "S3Error", f"{op}: S3 error {code}: {e}"
    if isinstance(e, S3NoValidClientError):
        return "AccessDenied", f"{op}: {e}"
    if isinstance(e, (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectionClosedError,
                      botocore.exceptions.ReadTimeoutError, botocore.exceptions.ConnectTimeoutError)):
        return "ConnectionError", f"{op}: {e}"
    if isinstance(e, botocore.exceptions.NoCredentialsError):
        return "AccessDenied", f"{op}: no AWS credentials: {e}"
    if isinstance(e, QuiltException):
        return "QuiltException", f"{op}: quilt3 refused: {e}"
    return "InternalError", f"{op}: {type(e).__name__}: {e}"


def _label(op, args):
    """browse s3://bucket team/data@1234abcd: what an error message names."""
    parts = [str(args[k]) for k in ("registry", "name") if isinstance(args.get(k), str)]
    text = " ".join([op, *parts])
    return f"{text}@{args['hash']}" if isinstance(args.get("hash"), str) else text


def _answer(response):
    try:
        text = json.dumps(response, ensure_ascii=False, allow_nan=False)
    except ValueError as e:  # NaN or Infinity outside the *_json strings: not JSON
        text = json.dumps({"id": response.get("id"), "ok": False, "error": {"type": "InternalError", "message": f"the answer is not JSON: {e}"}})
    _PROTOCOL.write(text + "\n")
    _PROTOCOL.flush()


def handle(line):
    try:
        request = json.loads(line)
    except ValueError as e:
        return {"id": None, "ok": False, "error": {"type": "BadRequest", "message": f"a request is one JSON object per line: {e}"}}
    if not isinstance(request, dict):
        return {"id": None, "ok": False, "error": {"type": "BadRequest", "message": "a request is a JSON object {id, op, args}"}}
    rid = request.get("id")
    if not isinstance(rid, (int, str)) or isinstance(rid, bool):
        return {"id": None, "ok": False, "error": {"type": "BadRequest", "message": f"a request needs an id (a number or string); got {json.dumps(rid)}"}}
    op = request.get("op")
    args = request.get("args", {})
    fn = OPS.get(op) if isinstance(op, str) else None
    if fn is None:
        return {"id": rid, "ok": False, "error": {"type": "BadRequest", "message": f"unknown op {json.dumps(op)}: use one of {', '.join(OPS)}"}}
    if not isinstance(args, dict):
        return {"id": rid, "ok": False, "error": {"type": "BadRequest", "message": f"{op}: args must be a JSON object"}}
    try:
        return {"id": rid, "ok": True, "result": fn(args)}
    except Exception as e:  # every failure is an answer; the process lives on
        type_, message = _classify(e, _label(op, args))
        if type_ == "InternalError":
            traceback.print_exc(file=sys.stderr)
        return {"id": rid, "ok": False, "error": {"type": type_, "message": message}}


def main():
    for raw in sys.stdin.buffer:
        line = raw.decode("utf-8", errors="replace").strip()
        if line:
            _answer(handle(line))


if __name__ == "__main__":
    main()
