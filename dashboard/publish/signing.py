"""Files anyone can verify: a ``SHA256SUMS`` manifest of every file of a release, signed with Ed25519.

The manifest is the format ``sha256sum -c SHA256SUMS`` reads (``<hex>  <relative path>``, one line
per file, sorted). ``SHA256SUMS.sig`` is the raw 64-byte Ed25519 signature of the manifest's bytes,
which ``openssl pkeyutl -verify -pubin -inkey release-key.pub.pem -rawin -in SHA256SUMS
-sigfile SHA256SUMS.sig`` checks. Keys are made with the ``cryptography`` library: the private key
(PKCS #8 PEM, mode 0600) stays where ``DASHBOARD_RELEASE_KEY`` says, outside every public folder;
the public key (``.pub.pem`` beside it) is copied into each release.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from dashboard.errors import UserFacingError
from dashboard.i18n import _, fmt_int

MANIFEST = "SHA256SUMS"
SIGNATURE = "SHA256SUMS.sig"
PUBLIC_KEY = "release-key.pub.pem"
#: Files the manifest never lists (itself and its signature).
UNLISTED = (MANIFEST, SIGNATURE)


def default_key_path() -> Path:
    from dashboard import settings

    current = settings.current()
    return current.release_key or current.var_dir / "release-signing" / "release.key"


def public_path(private: Path) -> Path:
    return private.with_name(private.name.removesuffix(".key") + ".pub.pem")


def keygen(path: Path, force: bool = False) -> tuple[Path, Path]:
    """Write a new Ed25519 private key at ``path`` (mode 0600) and its public key beside it."""
    from dashboard.settings import PROJECT_ROOT

    path = Path(path).absolute()
    if path.exists() and not force:
        raise UserFacingError(_("A signing key already exists at {path}.").format(path=path),
                              _("Keep it: releases already signed with it are checked with its public key. "
                                "Give --force only to replace a lost or exposed key, and publish the new "
                                "public key."))
    _refuse_inside_repository(path, PROJECT_ROOT)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    public = public_path(path)
    public.write_bytes(public_pem(key.public_key()))
    return path, public


def _refuse_inside_repository(path: Path, root: Path) -> None:
    """The key may live in the project folder only under its git-ignored var/ folder."""
    from dashboard import settings

    resolved = path.resolve()
    var = settings.current().var_dir.resolve()
    if (root.resolve() in resolved.parents) and var not in resolved.parents:
        raise UserFacingError(_("The signing key may not be kept inside the project folder ({path}).").format(
                                  path=path),
                              _("Keep it under the var/ folder (the default) or outside the project, with "
                                "--key PATH or DASHBOARD_RELEASE_KEY."))


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key, in hex groups of four: what a donor compares."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashlib.sha256(raw).hexdigest()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


def load_private(path: Path) -> Ed25519PrivateKey:
    path = Path(path)
    if not path.exists():
        raise UserFacingError(_("There is no release signing key at {path}.").format(path=path),
                              _("Make one with 'python -m dashboard release keygen' (once), and publish its "
                                "public key where donors can find it."))
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise UserFacingError(_("The file {path} is not an Ed25519 private key.").format(path=path),
                              _("Point DASHBOARD_RELEASE_KEY at the key 'release keygen' wrote."))
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    path = Path(path)
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (ValueError, TypeError, OSError):
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise UserFacingError(_("The file {path} is not an Ed25519 public key.").format(path=path),
                              _("Use the release-key.pub.pem the programme publishes."))
    return key


# ---------------------------------------------------------------- manifest and signature


def file_digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            sha.update(block)
    return sha.hexdigest()


def listed_files(folder: Path) -> list[str]:
    """Every file under ``folder`` (relative, '/'-separated, sorted), but the manifest and its signature."""
    names = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            rel = path.relative_to(folder).as_posix()
            if rel not in UNLISTED:
                names.append(rel)
    return sorted(names)


def manifest_text(folder: Path) -> str:
    return "".join(f"{file_digest(folder / name)}  {name}\n" for name in listed_files(folder))


def sign_folder(folder: Path, key: Ed25519PrivateKey) -> None:
    """Write the public key, ``SHA256SUMS`` and ``SHA256SUMS.sig`` into ``folder``."""
    (folder / PUBLIC_KEY).write_bytes(public_pem(key.public_key()))
    text = manifest_text(folder).encode("utf-8")
    (folder / MANIFEST).write_bytes(text)
    (folder / SIGNATURE).write_bytes(key.sign(text))


@dataclass
class Verification:
    folder: Path
    problems: list[str] = field(default_factory=list)
    files: int = 0
    fingerprint: str = ""
    key_source: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_folder(folder: Path, key: Ed25519PublicKey | None = None) -> Verification:
    """Check ``folder`` against its manifest and the manifest's signature (with ``key``, else the folder's own
    public key, which proves only that the files are whole: compare its fingerprint with the programme's)."""
    folder = Path(folder)
    result = Verification(folder)
    if not folder.is_dir():
        result.problems.append(_("{folder}: no such folder").format(folder=folder))
        return result
    manifest, signature = folder / MANIFEST, folder / SIGNATURE
    if not manifest.is_file():
        result.problems.append(_("{file}: missing (the release's manifest)").format(file=MANIFEST))
        return result
    text = manifest.read_bytes()
    if key is None:
        if (folder / PUBLIC_KEY).is_file():
            key = load_public(folder / PUBLIC_KEY)
            result.key_source = PUBLIC_KEY
    if not signature.is_file():
        result.problems.append(_("{file}: missing (the manifest's signature)").format(file=SIGNATURE))
    elif key is None:
        result.problems.append(_("{file}: no public key to check it with").format(file=SIGNATURE))
    else:
        result.fingerprint = fingerprint(key)
        try:
            key.verify(signature.read_bytes(), text)
        except InvalidSignature:
            result.problems.append(_("{file}: the signature does not match {manifest} and this key").format(
                file=SIGNATURE, manifest=MANIFEST))
    listed: dict[str, str] = {}
    for number, line in enumerate(text.decode("utf-8", errors="replace").splitlines(), start=1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            result.problems.append(_("{file}: line {line} is not '<sha256>  <file>'").format(file=MANIFEST,
                                                                                         line=number))
            continue
        listed[name] = digest
    for name, digest in listed.items():
        path = folder / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            result.problems.append(_("{file}: listed outside the release folder").format(file=name))
        elif not path.is_file():
            result.problems.append(_("{file}: listed in the manifest but missing").format(file=name))
        elif file_digest(path) != digest:
            result.problems.append(_("{file}: changed (its SHA-256 differs from the manifest)").format(file=name))
    for name in listed_files(folder):
        if name not in listed:
            result.problems.append(_("{file}: not listed in the manifest").format(file=name))
    result.files = len(listed)
    return result


def verification_text(result: Verification) -> str:
    if result.ok:
        text = _("{folder}: all {n} files match {manifest}, and its signature is good.").format(
            folder=result.folder, n=fmt_int(result.files), manifest=MANIFEST)
    else:
        text = _("{folder}: NOT verified.").format(folder=result.folder)
    if result.fingerprint:
        text += "\n" + _("key fingerprint: {fingerprint}").format(fingerprint=result.fingerprint)
        if result.key_source:
            text += "\n" + _("(checked with the key inside the folder: compare this fingerprint with the one the "
                             "programme publishes, or give --key)")
    return text
