"""Settings: packaged defaults, user overrides key by key, errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.errors import ConfigError
from storyline.settings import default_settings, load_settings


def test_user_file_overrides_only_what_it_sets(tmp_path: Path) -> None:
    user = tmp_path / "storyline.toml"
    user.write_text("[stories]\nthreshold = 0.9\n")
    loaded = load_settings(user)
    defaults = default_settings()
    assert loaded.stories.threshold == 0.9
    assert loaded.stories.max_days_apart == defaults.stories.max_days_apart
    assert loaded.dedup == defaults.dedup


def test_unknown_key_is_named(tmp_path: Path) -> None:
    user = tmp_path / "s.toml"
    user.write_text("[stories]\ntreshold = 0.9\n")
    with pytest.raises(ConfigError, match=r"unknown key stories\.treshold \(known: .*threshold"):
        load_settings(user)


def test_unknown_section_and_bad_value_are_named(tmp_path: Path) -> None:
    user = tmp_path / "s.toml"
    user.write_text("[storys]\nx = 1\n")
    with pytest.raises(ConfigError, match=r"unknown section \[storys\]"):
        load_settings(user)
    user.write_text("[pipeline]\nbatch_size = 'many'\n")
    with pytest.raises(ConfigError, match=r"pipeline\.batch_size"):
        load_settings(user)


def test_environment_variable_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = tmp_path / "env.toml"
    user.write_text("[summary]\nmax_sentences = 4\n")
    monkeypatch.setenv("STORYLINE_CONFIG", str(user))
    assert load_settings().summary.max_sentences == 4


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    user = tmp_path / "s.toml"
    user.write_text("[stories\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(user)
