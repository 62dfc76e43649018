"""The settings a run per message reads without pydantic agree with Settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.config import Settings
from service.locations import read_locations


def _clear(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GRACEMAIL_DATA_DIR", "GRACEMAIL_MODEL_PATH", "GRACEMAIL_MAX_MESSAGE_BYTES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("GRACEMAIL_CONFIG", raising=False)


@pytest.mark.parametrize(
    ("env", "toml"),
    [
        ({}, ""),
        ({"GRACEMAIL_DATA_DIR": "/srv/gm"}, ""),
        ({"GRACEMAIL_DATA_DIR": "/srv/gm", "GRACEMAIL_MODEL_PATH": "/opt/m.skops"}, ""),
        ({"gracemail_data_dir": "/lower/case"}, ""),
        ({}, 'data_dir = "/from/toml"\nmax_message_bytes = 50000\n'),
        ({}, 'model_path = "/toml/model.skops"\n'),
        ({"GRACEMAIL_DATA_DIR": "/env/wins"}, 'data_dir = "/from/toml"\n'),
        ({"GRACEMAIL_MAX_MESSAGE_BYTES": "123456"}, "max_message_bytes = 50000\n"),
    ],
)
def test_locations_agree_with_settings(
    env: dict[str, str], toml: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _clear(monkeypatch)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if toml:
        config = tmp_path / "gracemail.toml"
        config.write_text(toml)
        monkeypatch.setenv("GRACEMAIL_CONFIG", str(config))
    settings = Settings()
    where = read_locations()
    assert where.model_path == settings.resolved_model_path
    assert where.max_message_bytes == settings.max_message_bytes


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GRACEMAIL_MAX_MESSAGE_BYTES", "lots"),
        ("GRACEMAIL_MAX_MESSAGE_BYTES", "99"),
        ("GRACEMAIL_CONFIG", "/no/such/file.toml"),
    ],
)
def test_a_bad_setting_is_refused_by_both(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _clear(monkeypatch)
    monkeypatch.setenv(name, value)
    with pytest.raises(Exception):  # noqa: B017 - pydantic's and ours differ; both refuse
        Settings()
    with pytest.raises(ValueError):
        read_locations()
