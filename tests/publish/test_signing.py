"""Manifests and Ed25519 signatures of release folders; the signing key's home."""

from __future__ import annotations

import pytest

from dashboard.errors import UserFacingError
from dashboard.publish import signing


@pytest.fixture()
def signed(tmp_path):
    folder = tmp_path / "release"
    (folder / "data").mkdir(parents=True)
    (folder / "index.html").write_text("<p>release</p>")
    (folder / "data" / "a.csv").write_text("x\n1\n")
    key, _public = signing.keygen(tmp_path / "keys" / "release.key")
    signing.sign_folder(folder, signing.load_private(key))
    return folder, tmp_path / "keys" / "release.pub.pem"


def test_a_signed_folder_verifies_and_its_manifest_lists_every_file(signed):
    folder, public = signed
    result = signing.verify_folder(folder, signing.load_public(public))
    assert result.ok and result.files == 3  # index.html, data/a.csv, release-key.pub.pem
    lines = (folder / signing.MANIFEST).read_text().splitlines()
    assert [line.split("  ")[1] for line in lines] == ["data/a.csv", "index.html", signing.PUBLIC_KEY]
    assert len((folder / signing.SIGNATURE).read_bytes()) == 64


def test_each_problem_is_named_by_file(signed):
    folder, public = signed
    key = signing.load_public(public)
    (folder / "data" / "a.csv").write_text("x\n2\n")
    (folder / "extra.html").write_text("new")
    (folder / "index.html").unlink()
    problems = signing.verify_folder(folder, key).problems
    assert "data/a.csv: changed (its SHA-256 differs from the manifest)" in problems
    assert "index.html: listed in the manifest but missing" in problems
    assert "extra.html: not listed in the manifest" in problems
    (folder / signing.SIGNATURE).unlink()
    assert "SHA256SUMS.sig: missing (the manifest's signature)" in signing.verify_folder(folder, key).problems


def test_a_manifest_entry_outside_the_folder_is_refused(signed):
    folder, public = signed
    key = signing.load_private(public.with_name("release.key"))
    manifest = "0" * 64 + "  ../outside.txt\n"
    (folder / signing.MANIFEST).write_text(manifest)
    (folder / signing.SIGNATURE).write_bytes(key.sign(manifest.encode()))
    problems = signing.verify_folder(folder, key.public_key()).problems
    assert "../outside.txt: listed outside the release folder" in problems


def test_the_private_key_is_0600_and_an_existing_key_is_kept(tmp_path):
    key, public = signing.keygen(tmp_path / "k" / "release.key")
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert b"PRIVATE KEY" not in public.read_bytes()
    with pytest.raises(UserFacingError, match="already exists"):
        signing.keygen(key)
    with pytest.raises(UserFacingError, match="not an Ed25519 private key"):
        signing.load_private(public)
