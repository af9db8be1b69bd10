"""The admin key is made once per home, kept there (0600) and used on every start unless set."""

from __future__ import annotations

import stat

from shopmind.api import create_app
from shopmind.config import ADMIN_KEY_FILE, Settings


def test_admin_key_is_stable_across_restarts_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SHOPMIND_ADMIN_KEY", raising=False)
    home = tmp_path / "home"
    first = create_app(Settings(home=home)).state.admin_key
    again = create_app(Settings(home=home)).state.admin_key
    assert first == again and len(first) >= 24
    path = home / ADMIN_KEY_FILE
    assert path.read_text().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert create_app(Settings(home=tmp_path / "other")).state.admin_key != first  # one per home


def test_env_admin_key_wins_and_is_not_stored(tmp_path, monkeypatch):
    monkeypatch.setenv("SHOPMIND_ADMIN_KEY", "from-env")
    home = tmp_path / "home"
    assert create_app(Settings(home=home)).state.admin_key == "from-env"
    assert not (home / ADMIN_KEY_FILE).exists()


def test_empty_key_file_is_replaced(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ADMIN_KEY_FILE).write_text("")
    s = Settings(home=home, admin_key=None)
    key = s.ensure_admin_key()
    assert key and Settings(home=home, admin_key=None).ensure_admin_key() == key
