"""The shipped deployment files (docs/deploy/), run from a temporary folder: shared by the deployment test
(tests/ops/test_deployment.py) and the room benchmark (``python -m benchmarks room --through-nginx``).

The files are used as shipped, changed only by substitutions made here: ports, a self-signed certificate, the
server name and the install paths. nginx gets a small main configuration that includes the shipped file, as
Debian's /etc/nginx/nginx.conf includes conf.d/*.conf.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from dashboard.paths import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "docs" / "deploy"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
#: The ports the shipped nginx.conf names for its processes (the unit's instances).
SHIPPED_PORTS = (8501, 8502)


def unit_text(var_dir: Path) -> str:
    """docs/deploy/cpu-dashboard@.service with the install paths replaced by this checkout's."""
    text = (DEPLOY / "cpu-dashboard@.service").read_text()
    return (text.replace("/opt/cpu-dashboard/.venv/bin/python", sys.executable)
            .replace("/opt/cpu-dashboard", str(PROJECT_ROOT)).replace("/var/lib/cpu-dashboard", str(var_dir))
            .replace("/etc/cpu-dashboard/env", str(var_dir / "env")))


def unit_command(unit: str, port: int) -> tuple[list[str], dict[str, str], Path]:
    """ExecStart (for instance ``port``), the Environment= settings and the WorkingDirectory of a unit's text."""
    joined = re.sub(r"\\\n\s*", " ", unit)
    values: dict[str, str] = {}
    env: dict[str, str] = {}
    for line in joined.splitlines():
        key, sep, value = line.partition("=")
        if not sep or line.startswith("#"):
            continue
        if key == "Environment":
            name, _eq, setting = value.partition("=")
            env[name] = setting
        else:
            values[key] = value
    return shlex.split(values["ExecStart"].replace("%i", str(port))), env, Path(values["WorkingDirectory"])


def start_process(unit: str, port: int, env_extra: dict[str, str], log: Path) -> subprocess.Popen:
    """One dashboard process started as the unit starts instance ``port``."""
    command, env, cwd = unit_command(unit, port)
    out = log.open("w")
    return subprocess.Popen(command, cwd=cwd, env={**os.environ, **env, **env_extra}, stdout=out,
                            stderr=subprocess.STDOUT)


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate (and its key) for localhost and 127.0.0.1, valid for a week."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


def nginx_conf(folder: Path, ports: list[int], http_port: int, https_port: int) -> Path:
    """The shipped nginx.conf for these processes and ports (at most as many as it names), with a certificate made
    here, and a main configuration in ``folder`` that includes it; returns the main configuration's path."""
    cert, key = certificate(folder)
    text = (DEPLOY / "nginx.conf").read_text()
    lines = {port: f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in SHIPPED_PORTS}
    assert all(line in text for line in lines.values()), "the shipped upstream changed: update SHIPPED_PORTS"
    for shipped, port in zip(SHIPPED_PORTS, ports):
        text = text.replace(lines[shipped], lines[shipped].replace(str(shipped), str(port)))
    for shipped in SHIPPED_PORTS[len(ports):]:  # fewer processes than shipped: drop the other lines
        text = text.replace(lines[shipped] + "\n", "")
    text = (text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
            .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
            .replace("dashboard.example.org;", "localhost;")
            .replace("/etc/ssl/certs/dashboard.example.org.pem", str(cert))
            .replace("/etc/ssl/private/dashboard.example.org.key", str(key)))
    site = folder / "cpu-dashboard.conf"
    site.write_text(text)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers as this user: they use the temp folders below
    main = folder / "nginx-main.conf"
    main.write_text(f"""{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy; fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
    include {site};
}}
""")
    return main


def check_nginx(folder: Path, main: Path) -> subprocess.CompletedProcess:
    """``nginx -t`` on the configuration."""
    return subprocess.run([NGINX, "-t", "-p", str(folder), "-c", str(main)], capture_output=True, text=True)


def start_nginx(folder: Path, main: Path) -> subprocess.Popen:
    """nginx in the foreground (stop it with ``terminate()``)."""
    return subprocess.Popen([NGINX, "-p", str(folder), "-c", str(main), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def tcp_sockets(port: int, state: str) -> list[str]:
    """Local addresses (hex, as /proc/net/tcp writes them) of this machine's TCP sockets on local ``port`` in
    ``state`` (01 established, 0A listening)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, local_port = fields[1].rsplit(":", 1)
            if int(local_port, 16) == port and fields[3] == state:
                found.append(address)
    return found
