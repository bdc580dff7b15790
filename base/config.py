"""Typed settings, layered: defaults, then an optional TOML file, then environment variables."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "HOTLINE_"
DEFAULT_HOME_CITY = "临江市"
EVENT_LOOPS = ("asyncio", "uvloop")


class ConfigError(ValueError):
    """A setting has a value that cannot be used; the message names the setting."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the hotline reads from its environment.

    Each field maps to `HOTLINE_<FIELD>` in the environment and to `<field>` in the TOML
    file named by `HOTLINE_CONFIG`.
    """

    data_dir: Path = field(default_factory=lambda: Path("var"))
    database_url: str = ""
    home_city: str = DEFAULT_HOME_CITY
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    ari_url: str = "http://127.0.0.1:8088"
    ari_user: str = "hotline"
    ari_password: str = "hotline"
    ari_app: str = "hotline"
    sim_port: int = 8088
    public_url: str = ""
    voicemail_reply_days: int = 5
    dial_timeout_s: int = 20
    queue_max_wait_s: int = 300  # a caller queued this long is offered voicemail instead
    # KPI targets coloured when missed, "answered_15s_rate>=0.9,…" (empty: the defaults)
    stats_targets: str = ""
    # After-call survey per hotline number: "number=transfer,operator,voicemail;…"
    # (empty: no survey anywhere); see ivr/flow/survey.py.
    survey_after: str = (
        "12345=transfer,operator,voicemail;114=transfer,operator;96128=transfer,operator"
    )
    # 质检: record liaison transfers and operator calls (the bridge's mixed audio), tell
    # the caller first, keep the recordings this many days (see ivr/flow/quality.py).
    quality_recording: bool = True
    quality_consent_prompt: bool = True
    quality_retention_days: int = 180
    vosk_model: str = ""
    sites_file: str = ""
    redis_url: str = ""
    log_level: str = "INFO"
    prompt_cache_dir: str = ""  # default: <data_dir>/prompts
    # Simulation only (tests, demos against the simulator): a controller clock that starts
    # at clock_start (ISO) and runs clock_speed times faster than real time.
    clock_speed: str = ""
    clock_start: str = ""
    voicemail_access_number: str = "12329"  # liaisons collect their voicemail by phone here
    outbound_trunk: str = "PJSIP/trunk"  # liaisons' call-backs dial PJSIP/<number>@trunk
    smtp_host: str = ""  # unset: e-mail notifications are logged, not sent
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "12345 热线 <hotline@localhost>"
    # Citizens' intake and messages (agent_desk.intake, agent_desk.citizen).
    intake_smtp_port: int = 0  # inbound e-mail SMTP receiver; 0: off
    intake_smtp_host: str = "127.0.0.1"
    sms_webhook_secret: str = ""  # HMAC key of POST /api/intake/sms; unset: pushes refused
    intake_duplicate_hours: int = 72  # same citizen's orders this recent are offered for 并单
    report_rate_limit: int = 5  # /report submissions per client address per hour
    report_pow_bits: int = 16  # proof-of-work difficulty of /report (about 2**bits hashes)
    citizen_messages: bool = True  # SMS / e-mail to citizens on filing and on reply
    sms_gateway_url: str = ""  # outgoing SMS: POST JSON here; unset: SMS wait in sms_outbox
    sms_gateway_secret: str = ""  # HMAC key signing the gateway requests
    outbox_poll_s: int = 5  # how often the outbox is drained
    # GET /metrics answers only `Authorization: Bearer <this>`; unset, /metrics is off (404).
    metrics_token: str = ""
    # Webhooks post to public addresses only; these hosts (names or IP addresses, comma
    # separated) are exempt: a department's receiver on the LAN, a test's on 127.0.0.1.
    webhook_allowed_hosts: str = ""
    # The processes' event loop: "asyncio" (the standard one) or "uvloop" (faster; the
    # `uvloop` extra must be installed).
    event_loop: str = "asyncio"

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'hotline.sqlite3').resolve()}"

    @property
    def base_url(self) -> str:
        """Where Asterisk (or the simulator) reaches our HTTP server, for prompts."""
        return self.public_url or f"http://{self.http_host}:{self.http_port}"


def _coerce(name: str, raw: Any, template: Any) -> Any:
    try:
        if isinstance(template, Path):
            return Path(str(raw)).expanduser()
        if isinstance(template, bool):
            return str(raw).strip().lower() in {"1", "true", "yes", "on"}
        if isinstance(template, int):
            return int(raw)
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name!r}: cannot use {raw!r} ({exc})") from None


def load_settings(
    environ: Mapping[str, str] | None = None, *, config_file: Path | None = None
) -> Settings:
    """Build the settings from defaults, the TOML file and the environment, in that order."""
    env = os.environ if environ is None else environ
    settings = Settings()
    path = config_file or (
        Path(env[f"{ENV_PREFIX}CONFIG"]) if f"{ENV_PREFIX}CONFIG" in env else None
    )
    layers: list[Mapping[str, Any]] = []
    if path is not None:
        try:
            layers.append(tomllib.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise ConfigError(f"configuration file {path} does not exist") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"configuration file {path}: {exc}") from None
    layers.append(
        {
            key[len(ENV_PREFIX) :].lower(): value
            for key, value in env.items()
            if key.startswith(ENV_PREFIX) and key != f"{ENV_PREFIX}CONFIG"
        }
    )
    known = {f.name for f in fields(Settings)}
    for layer in layers:
        changes = {}
        for key, value in layer.items():
            if key in known:
                changes[key] = _coerce(key, value, getattr(settings, key))
        settings = replace(settings, **changes)
    if settings.quality_retention_days < 1:
        raise ConfigError(
            f"setting 'quality_retention_days': {settings.quality_retention_days} is not a"
            " number of days (1 or more)"
        )
    if settings.event_loop not in EVENT_LOOPS:
        raise ConfigError(
            f"setting 'event_loop': {settings.event_loop!r} is not one of {', '.join(EVENT_LOOPS)}"
        )
    if not 0 < settings.http_port < 65536:
        raise ConfigError(f"setting 'http_port': {settings.http_port} is not a TCP port")
    return settings
