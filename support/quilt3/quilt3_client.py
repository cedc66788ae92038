"""quilt3 as a user's program runs it: configured from a catalog's URL and logged in with an API key.

One request per process: a JSON object on stdin, one JSON line on stdout.

  request   {"op": "read", "args": {"catalogUrl": "...", "apiKey": "qk_...", ...}}
  response  {"ok": true, "result": {...}}
            {"ok": false, "error": {"type": "Unauthorized", "message": "..."}}

Operations (quilt3's public API only: quilt3.config, login_with_api_key, Package, quilt3.admin):
  push              {catalogUrl, apiKey?, registry, name, files: {logical_key: text}, message, s3,
                    credentials?} -> {"top_hash": ...}: the files written to a private folder and
                    pushed, with S3 credentials as for read, or s3 = "given": the temporary
                    credentials in `credentials` (as get_credentials answers them), no API key
  read              {catalogUrl, apiKey, registry, name, s3} -> {"my_keys": [names], "top_hash",
                    "files": {logical_key: {"physical_key", "text"}}}: quilt3.api_keys.list() (the
                    registry's GraphQL as the key's user), then Package.browse and every file's
                    bytes, with S3 credentials by `s3`: "key-only" — quilt3 as
                    login_with_api_key leaves it (8.0.0 asks the catalog for no S3 credentials then:
                    a known defect); "catalog-credentials" — the key's S3 credentials, asked of the
                    catalog through quilt3's own session, handed to quilt3 as AWS credentials first
                    (what a program does until quilt3 does it itself). On the local target quilt3
                    talks to the stack's S3 front (RGW with S3's flexible checksums, which quilt3's
                    uploads need)
  credentials       {catalogUrl, apiKey} -> {"access_key_prefix", "has_session_token"}: the S3
                    credentials the catalog hands the key, asked through quilt3's own session
  admin_revoke_keys {catalogUrl, apiKey, email, name} -> {"revoked": [ids]}: quilt3.admin.api_keys,
                    logged in with an admin's key, lists the user's keys of that name and revokes them

Error types: Unauthorized (the catalog refused the key: 401/403), AccessDenied (S3 refused),
QuiltException, BadRequest, InternalError (the traceback goes to stderr).
The caller sets the environment (support/quilt3/environment.ts): no AWS credentials of its own.
"""
import json
import os
import sys
import tempfile
import traceback

_PROTOCOL = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n")
os.dup2(2, 1)
sys.stdout = sys.stderr

import botocore.exceptions  # noqa: E402
import quilt3  # noqa: E402
import quilt3.admin.api_keys  # noqa: E402
import quilt3.admin.buckets  # noqa: E402
import quilt3.admin.exceptions  # noqa: E402
from quilt3.util import QuiltException  # noqa: E402


class ClientError(Exception):
    def __init__(self, type_, message):
        super().__init__(message)
        self.type = type_
        self.message = message


def _arg(args, key):
    if not isinstance(args.get(key), str) or not args[key]:
        raise ClientError("BadRequest", f"the argument {key!r} must be a non-empty string")
    return args[key]


def _login(args):
    quilt3.config(_arg(args, "catalogUrl"))
    if args.get("apiKey") is not None:
        quilt3.login_with_api_key(_arg(args, "apiKey"))


def _key_credentials():
    """The key's S3 credentials: GET /api/auth/get_credentials through quilt3's authenticated session."""
    registry = quilt3.session.get_registry_url()
    response = quilt3.session.get_session().get(f"{registry}/api/auth/get_credentials", timeout=30)
    response.raise_for_status()
    return response.json()


def _s3_credentials(args):
    """As `s3` says: given temporary credentials, the key's from the catalog, or none (key-only)."""
    how = args.get("s3")
    if how == "key-only":
        return
    if how == "given":
        creds = args.get("credentials") or {}
        if not all(isinstance(creds.get(k), str) for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")):
            raise ClientError("BadRequest", "credentials must be {AccessKeyId, SecretAccessKey, SessionToken} as get_credentials answers them")
    elif how == "catalog-credentials":
        creds = _key_credentials()
    else:
        raise ClientError("BadRequest", "s3 must be \"key-only\", \"catalog-credentials\" or \"given\"")
    os.environ.update({"AWS_ACCESS_KEY_ID": creds["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"], "AWS_SESSION_TOKEN": creds["SessionToken"]})


def op_push(args):
    _login(args)
    _s3_credentials(args)
    files = args.get("files")
    if not isinstance(files, dict) or not files:
        raise ClientError("BadRequest", "files must be a non-empty object {logical_key: text}")
    with tempfile.TemporaryDirectory() as folder:
        pkg = quilt3.Package()
        for i, (key, text) in enumerate(sorted(files.items())):
            path = os.path.join(folder, f"file-{i}")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            pkg.set(key, path)
        pushed = pkg.push(_arg(args, "name"), registry=_arg(args, "registry"), message=args.get("message"), force=True)
    return {"top_hash": pushed.top_hash}


def op_read(args):
    _login(args)
    mine = [key.name for key in quilt3.api_keys.list()]
    _s3_credentials(args)
    pkg = quilt3.Package.browse(_arg(args, "name"), registry=_arg(args, "registry"))
    files = {}
    for key, entry in pkg.walk():
        files[key] = {"physical_key": str(entry.physical_key), "text": entry.get_bytes().decode("utf-8", errors="replace")}
    return {"my_keys": mine, "top_hash": pkg.top_hash, "files": files}


def op_credentials(args):
    _login(args)
    creds = _key_credentials()
    return {"access_key_prefix": creds["AccessKeyId"][:4], "has_session_token": bool(creds.get("SessionToken"))}


def op_admin_revoke_keys(args):
    _login(args)
    keys = quilt3.admin.api_keys.list(email=_arg(args, "email"), key_name=_arg(args, "name"))
    for key in keys:
        quilt3.admin.api_keys.revoke(key.id)
    return {"revoked": [key.id for key in keys]}


def _bucket(b):
    return {"name": b.name, "title": b.title, "description": b.description, "prefixes": list(b.prefixes)}


def op_admin_bucket_add(args):
    _login(args)
    return _bucket(quilt3.admin.buckets.add(_arg(args, "name"), _arg(args, "title"), description=args.get("description")))


def op_admin_bucket_remove(args):
    _login(args)
    quilt3.admin.buckets.remove(_arg(args, "name"))
    return {"removed": args["name"]}


def op_admin_buckets(args):
    _login(args)
    return {"buckets": [_bucket(b) for b in quilt3.admin.buckets.list()]}


OPS = {
    "push": op_push, "read": op_read, "credentials": op_credentials, "admin_revoke_keys": op_admin_revoke_keys,
    "admin_bucket_add": op_admin_bucket_add, "admin_bucket_remove": op_admin_bucket_remove, "admin_buckets": op_admin_buckets,
}


def _status(e):
    response = getattr(e, "response", None)
    return getattr(response, "status_code", None)


def _classify(e):
    if isinstance(e, ClientError):
        return e.type, e.message
    if isinstance(e, quilt3.admin.exceptions.Quilt3AdminError):
        return "AdminError", f"quilt3.admin raised {type(e).__name__}: {e.details}"
    if _status(e) in (401, 403):
        return "Unauthorized", f"the catalog refused the API key (HTTP {_status(e)}): {e}"
    if isinstance(e, botocore.exceptions.ClientError):
        code = e.response.get("Error", {}).get("Code", "")
        return ("AccessDenied" if code in ("AccessDenied", "403") else "S3Error"), str(e)
    if type(e).__name__ == "S3NoValidClientError":
        return "NoValidS3Client", str(e)
    if isinstance(e, QuiltException):
        # quilt3's session turns the registry's 401 into this QuiltException (session._handle_response).
        if str(e).startswith("Authentication failed"):
            return "Unauthorized", f"the catalog refused the API key (HTTP 401): quilt3 says {e}"
        return "QuiltException", str(e)
    traceback.print_exc()
    return "InternalError", f"{type(e).__name__}: {e}"


def main():
    try:
        request = json.loads(sys.stdin.read())
        op = OPS.get(request.get("op"))
        if op is None:
            raise ClientError("BadRequest", f"unknown op {request.get('op')!r}; one of {', '.join(OPS)}")
        answer = {"ok": True, "result": op(request.get("args") or {})}
    except Exception as e:  # noqa: BLE001 - every failure is answered with its type
        type_, message = _classify(e)
        answer = {"ok": False, "error": {"type": type_, "message": message}}
    _PROTOCOL.write(json.dumps(answer) + "\n")
    _PROTOCOL.flush()


if __name__ == "__main__":
    main()
