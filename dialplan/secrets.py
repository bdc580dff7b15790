"""SIP passwords for the rendered endpoints: from the environment or a secrets file.

Secrets never live in the repository nor in the sites file. For each endpoint the
password is, in order: `HOTLINE_SIP_SECRET_<ENDPOINT>` from the environment (name
upper-cased, every other character than a letter or digit turned into `_`), the entry
for the endpoint in the secrets TOML file, or — when the source may generate — a new
random password that is written back to that file (mode 0600) so the next render gives
the same one and the phones keep working.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path

ENV_PREFIX = "HOTLINE_SIP_SECRET_"
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")


class SecretsFileError(ValueError):
    """The secrets file cannot be read or holds something other than strings."""


def env_name(endpoint: str) -> str:
    """The environment variable that holds `endpoint`'s password."""
    return ENV_PREFIX + _NOT_ALNUM.sub("_", endpoint.upper())


def _new_password(endpoint: str) -> str:
    del endpoint  # every password is independent of the name
    return secrets.token_urlsafe(18)


class SecretSource:
    """Looks passwords up; `save()` writes the ones it generated to the secrets file."""

    def __init__(
        self,
        *,
        environ: Mapping[str, str],
        path: Path | None,
        generate: bool,
        new_password: Callable[[str], str] = _new_password,
    ) -> None:
        self._environ = environ
        self._path = path
        self._generate = generate
        self._new_password = new_password
        self._stored = self._read(path)
        self.generated: list[str] = []
        """Endpoints whose password was made up during this render."""

    def password(self, endpoint: str) -> str:
        """The password for `endpoint`; raises KeyError when none is known and none may be made."""
        from_env = self._environ.get(env_name(endpoint))
        if from_env:
            return from_env
        stored = self._stored.get(endpoint)
        if stored:
            return stored
        if not self._generate:
            raise KeyError(f"no SIP password for {endpoint}: set {env_name(endpoint)}")
        password = self._stored[endpoint] = self._new_password(endpoint)
        self.generated.append(endpoint)
        return password

    def save(self) -> int:
        """Write the passwords back to the secrets file (owner-only) if any was generated.

        Returns how many new passwords the file gained.
        """
        if self._path is None or not self.generated:
            return 0
        self._path.parent.mkdir(parents=True, exist_ok=True)
        lines = ["# SIP passwords of the rendered endpoints. Keep this file out of any repository."]
        # JSON string escapes are valid TOML basic-string escapes
        lines += [f"{json.dumps(k)} = {json.dumps(v)}" for k, v in sorted(self._stored.items())]
        # create with 0600 before writing: the passwords are never world-readable
        descriptor = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        saved = len(self.generated)
        self.generated.clear()
        return saved

    @staticmethod
    def _read(path: Path | None) -> dict[str, str]:
        if path is None or not path.exists():
            return {}
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SecretsFileError(f"{path}: {exc}") from exc
        bad = sorted(key for key, value in raw.items() if not isinstance(value, str))
        if bad:
            raise SecretsFileError(f"{path}: {', '.join(bad)}: must be strings")
        return {key: str(value) for key, value in raw.items()}
