"""Reads ARTIFACT_STORAGE_URL into a Django storage definition, so the web process and workers on
other machines share one store for notebooks and their outputs."""

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured


def storage_from_url(url: str, *, access_key: str = "", secret_key: str = "") -> dict:
    """`s3://bucket/prefix?endpoint_url=http://host:9000&region=eu-west-1&signed_url_seconds=300`
    (any S3-compatible store); `file:///path` for a folder."""
    parts = urlsplit(url)
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if parts.scheme == "file":
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": parts.path},
        }
    if parts.scheme != "s3" or not parts.netloc:
        raise ImproperlyConfigured("ARTIFACT_STORAGE_URL must look like s3://bucket/prefix?...")
    s3_options = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        "endpoint_url": options.get("endpoint_url") or None,
        "region_name": options.get("region") or None,
        "file_overwrite": False,
        "default_acl": None,
        # Downloads go to the store itself through short-lived signed links.
        "querystring_auth": True,
        "querystring_expire": int(options.get("signed_url_seconds", 300)),
    }
    if access_key:
        s3_options |= {"access_key": access_key, "secret_key": secret_key}
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_options}
