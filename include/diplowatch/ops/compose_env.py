"""Write ``.env`` for docker-compose from ``.env.example``, filling every empty secret with a random value.

    python -m diplowatch.ops.compose_env [--example .env.example] [--output .env] [--force]

Keeps values already set in the example; refuses to overwrite an existing ``.env`` unless ``--force``
(then keeps its non-empty values). The file is written with mode 0600.
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import secrets
import string
import sys
from collections.abc import Callable
from pathlib import Path

from diplowatch import paths

_LINE = re.compile(r"^(?P<key>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")


_ALNUM = string.ascii_letters + string.digits


def _token(n: int = 32) -> str:
    """Letters and digits only: safe in URLs, shell words and CLI arguments (never starts with '-')."""
    return "".join(secrets.choice(_ALNUM) for _ in range(n))


def _fernet() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


GENERATORS: dict[str, Callable[[], str]] = {
    "AIRFLOW_FERNET_KEY": _fernet,
    "AIRFLOW_JWT_SECRET": lambda: _token(64),  # JWT HMAC key: at least 64 bytes
    "MINIO_ROOT_USER": lambda: "minio-" + secrets.token_hex(4),
    "DIPLOWATCH_S3_ACCESS_KEY": lambda: "diplowatch-" + secrets.token_hex(4),
    "FLOWER_BASIC_AUTH": lambda: "flower:" + _token(24),
}


def parse_env(text: str) -> dict[str, str]:
    """``KEY=value`` lines (comments and blanks ignored)."""
    values = {}
    for line in text.splitlines():
        match = _LINE.match(line.strip())
        if match:
            values[match["key"]] = match["value"].strip()
    return values


def render_env(example: str, existing: dict[str, str] | None = None) -> str:
    """The example with empty values filled from ``existing`` or generated."""
    existing = existing or {}
    out = []
    for line in example.splitlines():
        match = _LINE.match(line.strip())
        if match and not match["value"].strip():
            key = match["key"]
            value = existing.get(key) or GENERATORS.get(key, _token)()
            line = f"{key}={value}"
        elif match and existing.get(match["key"]):
            line = f"{match['key']}={existing[match['key']]}"
        out.append(line)
    return "\n".join(out) + "\n"


def write_env(example: Path, output: Path, force: bool = False) -> Path:
    if output.exists() and not force:
        raise FileExistsError(f"{output} exists: keep it, or pass --force to refill its empty values")
    existing = parse_env(output.read_text()) if output.exists() else {}
    text = render_env(example.read_text(), existing)
    output.touch(mode=0o600, exist_ok=True)
    output.write_text(text)
    output.chmod(0o600)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m diplowatch.ops.compose_env", description=__doc__.splitlines()[0])
    parser.add_argument("--example", type=Path, default=paths.REPO / ".env.example")
    parser.add_argument("--output", type=Path, default=paths.REPO / ".env")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    try:
        path = write_env(args.example, args.output, args.force)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {path} (mode 0600); the admin login is AIRFLOW_ADMIN_USER / AIRFLOW_ADMIN_PASSWORD in it")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
