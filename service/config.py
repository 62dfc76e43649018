"""Settings from GRACEMAIL_* environment variables and an optional TOML file.

The reader of both, but for the model's place and the size cap that service.locations reads
for the runs per message.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from drafts.profile import Profile, Referrer
from service.locations import DEFAULT_MESSAGE_BYTES, MIN_MESSAGE_BYTES, default_data_dir

TlsMode = Literal["ssl", "starttls", "none"]


class ReferrerSettings(BaseModel):
    """Someone who referred the user to a company."""

    name: str
    email: str = ""
    domain: str = ""  # the company's mail domain, e.g. acme.example


class ProfileSettings(BaseModel):
    """The user's name, signature and standing choices for drafts (GRACEMAIL_PROFILE__*)."""

    name: str = ""  # empty: the name the mail was addressed to signs
    email: str = ""
    signature: str = ""
    language: str = "en"  # the language decline_reason and interim_help are written in
    decline_reason: str = ""
    decline_reasons: dict[str, str] = Field(default_factory=dict)  # per language: {"de": "..."}
    interim_help: str = ""
    interim_helps: dict[str, str] = Field(default_factory=dict)  # per language
    ask_for_leads: bool = True
    followup_days: int = Field(default=90, ge=7, le=730)
    timezone: str = "UTC"  # IANA name: when "the next working morning" after a no is
    referrals: dict[str, ReferrerSettings] = Field(default_factory=dict)

    def to_profile(self) -> Profile:
        """Return the plain Profile the drafts package takes."""
        return Profile(
            name=self.name,
            email=self.email,
            signature=self.signature,
            language=self.language,
            decline_reason=self.decline_reason,
            decline_reasons=dict(self.decline_reasons),
            interim_help=self.interim_help,
            interim_helps=dict(self.interim_helps),
            ask_for_leads=self.ask_for_leads,
            followup_days=self.followup_days,
            timezone=self.timezone,
            referrals={k: Referrer(v.name, v.email, v.domain) for k, v in self.referrals.items()},
        )


class Settings(BaseSettings):
    """Every setting gracemail reads; GRACEMAIL_CONFIG names an optional TOML file."""

    model_config = SettingsConfigDict(
        env_prefix="GRACEMAIL_", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""
    model_path: Path | None = None
    max_message_bytes: int = Field(default=DEFAULT_MESSAGE_BYTES, ge=MIN_MESSAGE_BYTES)
    profile: ProfileSettings = Field(default_factory=ProfileSettings)

    imap_host: str = ""
    imap_port: int = 0  # 0: 993 for ssl, 143 otherwise
    imap_user: str = ""
    imap_password: SecretStr = SecretStr("")
    imap_oauth2_token: SecretStr = SecretStr("")
    imap_oauth2_mechanism: Literal["XOAUTH2", "OAUTHBEARER"] = "XOAUTH2"
    imap_tls: TlsMode = "ssl"
    imap_tls_verify: bool = True
    imap_allow_plain: bool = False  # plain IMAP only when asked for, e.g. on loopback in tests
    imap_folders: str = "INBOX"
    imap_poll_seconds: float = Field(default=60.0, gt=0)
    imap_idle_seconds: float = Field(default=25 * 60, gt=0, le=29 * 60)
    imap_backfill_days: int = Field(default=30, ge=0)
    imap_batch_size: int = Field(default=500, ge=1, le=5000)
    imap_label_mode: Literal["keywords", "copy", "move"] = "keywords"
    imap_keyword_offer: str = "gracemail-offer"
    imap_keyword_hard_no: str = "gracemail-hard-no"
    imap_keyword_not_now: str = "gracemail-not-now"
    imap_save_drafts: bool = False

    smtp_host: str = ""
    smtp_port: int = 0  # 0: 465 for ssl, 587 for starttls, 25 otherwise
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_oauth2_token: SecretStr = SecretStr("")
    smtp_tls: TlsMode = "starttls"
    smtp_tls_verify: bool = True
    # seconds each SMTP step may take; past DATA, a timeout leaves the send `unknown`
    smtp_timeout: float = Field(default=30.0, gt=0, le=600)
    # after "Approve and send", this long to undo before SMTP is touched; 0 sends at once
    send_undo_seconds: float = Field(default=20.0, ge=0, le=3600)

    web_host: str = "127.0.0.1"
    web_port: int = 8000
    web_password: SecretStr = SecretStr("")
    web_allow_remote: bool = False
    web_tls_cert: Path | None = None
    web_tls_key: Path | None = None
    # host names the page is served under (the Host header); local names are always allowed
    web_allowed_hosts: str = ""
    # addresses of proxies whose X-Forwarded-For/-Proto are believed (e.g. "127.0.0.1")
    web_trusted_proxies: str = ""
    web_login_rate: float = Field(default=1.0, gt=0)  # password checks per second, all clients
    web_login_lockout_after: int = Field(default=10, ge=1)  # failures of one address, then locked
    web_login_lockout_seconds: float = Field(default=900.0, ge=1)
    # where /docs loads Swagger UI from; empty: the copy the fastapi-offline wheel ships, served
    # by gracemail itself (works offline), else a URL such as a swagger-ui-dist CDN folder
    web_docs_assets: str = ""

    # many mailboxes (gracemail accounts / gracemail worker)
    secret_key: SecretStr = SecretStr("")  # Fernet key that encrypts account passwords
    worker_id: str = ""  # empty: host:pid:start time
    worker_max_mailboxes: int = Field(default=200, ge=1)  # leases one worker holds at most
    worker_lease_seconds: float = Field(default=30.0, ge=1)  # a dead worker's leases lapse after
    worker_poll_seconds: float = Field(default=30.0, gt=0)  # between two syncs of one mailbox
    worker_connections_per_host: int = Field(default=8, ge=1)  # IMAP connections at once, per host
    worker_metrics_port: int = 0  # >0: the worker serves its Prometheus counters there
    # bearer token of the admin API (/admin/accounts); empty: the admin API is off
    admin_token: SecretStr = SecretStr("")

    @field_validator("admin_token")
    @classmethod
    def _admin_token_strong(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value()
        # a placeholder left in a compose file must not open the admin API
        if token and (len(token) < 24 or "change" in token.lower() or len(set(token)) < 8):
            raise ValueError(
                "GRACEMAIL_ADMIN_TOKEN must be a random string of 24 characters or more"
            )
        return value

    @field_validator("imap_folders")
    @classmethod
    def _folders_not_empty(cls, value: str) -> str:
        if not [f for f in value.split(",") if f.strip()]:
            raise ValueError("GRACEMAIL_IMAP_FOLDERS needs at least one folder")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Read init values, then the environment, then the TOML file named by GRACEMAIL_CONFIG."""
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = os.environ.get("GRACEMAIL_CONFIG", "")
        if path:
            if not Path(path).is_file():
                raise FileNotFoundError(f"GRACEMAIL_CONFIG names {path}, which is not a file")
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    @property
    def resolved_database_url(self) -> str:
        """Return the database URL, SQLite in the data folder by default."""
        return self.database_url or f"sqlite:///{self.data_dir / 'gracemail.db'}"

    @property
    def resolved_model_path(self) -> Path:
        """Return where the trained model lives."""
        return self.model_path or self.data_dir / "model.skops"

    def sender_profile(self) -> Profile:
        """Return the user's profile, its address filled from the SMTP user when left empty."""
        profile = self.profile.to_profile()
        if not profile.email and "@" in self.smtp_user:
            profile = replace(profile, email=self.smtp_user)
        return profile

    @property
    def allowed_hosts(self) -> list[str]:
        """Return the host names the page answers to: the local ones, web_host and the setting."""
        named = [h.strip().lower() for h in self.web_allowed_hosts.split(",") if h.strip()]
        hosts = ["127.0.0.1", "localhost", "::1", self.web_host.lower(), *named]
        return list(dict.fromkeys(h for h in hosts if h not in ("0.0.0.0", "::")))

    @property
    def trusted_proxies(self) -> list[str]:
        """Return the proxy addresses (or networks) whose forwarded headers are believed."""
        return [h.strip() for h in self.web_trusted_proxies.split(",") if h.strip()]

    @property
    def token_file(self) -> Path:
        """Return where `gracemail serve` writes a new API token when no terminal is there."""
        return self.data_dir / "api-token"

    @property
    def folders(self) -> list[str]:
        """Return the IMAP folders to watch."""
        return [f.strip() for f in self.imap_folders.split(",") if f.strip()]


def load_settings() -> Settings:
    """Return settings from the environment and the optional TOML file."""
    return Settings()
