"""One settings object: packaged defaults (``defaults.toml``) overridden by a user file.

Where the user file comes from, first found wins: an explicit path, ``$STORYLINE_CONFIG``,
``./storyline.toml``. A user file sets only the keys it wants; unknown sections or keys are
errors that name the key, so a typo never silently does nothing.
"""

from __future__ import annotations

import os
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from storyline.errors import ConfigError

USER_FILE_NAME = "storyline.toml"
ENV_VAR = "STORYLINE_CONFIG"
ISO_639_1 = re.compile(r"[a-z]{2}")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReadSettings(_Section):
    max_file_bytes: int
    extensions: list[str]
    languages: list[str]


class FeedSettings(_Section):
    host_interval: float = Field(ge=0)
    timeout: float = Field(gt=0)
    user_agent: str
    every: float = Field(gt=0)


class CleanSettings(_Section):
    min_body_line_chars: int
    chrome_line_penalty: int
    short_content_cost: int
    min_stopword_density: float
    max_text_chars: int = Field(gt=0)
    max_html_elements: int = Field(gt=0)


class AnnotateSettings(_Section):
    languages: list[str] = Field(min_length=1)

    @field_validator("languages")
    @classmethod
    def _iso_codes(cls, languages: list[str]) -> list[str]:
        # Article.language is always a lower-case ISO 639-1 code: another spelling would
        # silently match nothing.
        wrong = [code for code in languages if not ISO_639_1.fullmatch(code)]
        if wrong:
            raise ValueError(
                f"not ISO 639-1 codes (two lower-case letters, such as 'en'): {', '.join(wrong)}"
            )
        return languages


class PipelineSettings(_Section):
    batch_size: int
    workers: int = Field(ge=0)
    dask: str
    dask_timeout: float = Field(gt=0)
    full_regroup_below: int = Field(ge=0)
    regroup_every: int = Field(ge=1)


class EmbedSettings(_Section):
    batch_size: int
    max_tokens: int
    threads: int = Field(ge=0)


class DedupSettings(_Section):
    num_perm: int
    shingle_words: int
    threshold: float


class StorySettings(_Section):
    dense_weight: float
    unannotated_dense_weight: float
    term_weight: float
    cast_weight: float
    year_weight: float
    quote_weight: float
    threshold: float
    min_dense: float
    max_days_apart: int
    neighbours: int
    candidate_floor: float
    max_dissolve: int
    max_pool: int
    near_rank: int
    strong_pair: float
    far_cap: float
    seed_pair: float
    seed_dense: float
    seed_size: int


class ThreadSettings(_Section):
    similarity: float
    min_shared_entities: int
    max_days_apart: int
    evidence_after_days: int
    evidence_shared_entities: int


class ResolveSettings(_Section):
    name_similarity: float


class QuoteSettings(_Section):
    min_direct_words: int
    max_attribution_gap_words: int
    min_unattributed_words: int
    min_attributed_words: int


class QuoteGroupSettings(_Section):
    similarity: float
    short_quote_words: int
    lexical_similarity: float
    near_identical: float


class SummarySettings(_Section):
    max_sentences: int
    min_words: int
    relevance_weight: float
    support_weight: float
    hook: str
    agree_similarity: float
    timeline_similarity: float


class TimelineSettings(_Section):
    named_weight: float = Field(ge=0)
    published_weight: float = Field(ge=0)
    min_score: float = Field(ge=0)
    min_share: float = Field(ge=0, le=1)
    max_dates: int = Field(ge=1)
    sentences: int = Field(ge=1)
    lead_sentences: int = Field(ge=0)
    min_words: int = Field(ge=1)
    max_words: int = Field(ge=1)
    redundancy: float
    agree_similarity: float
    story_weight: float = Field(ge=0)


class ServeSettings(_Section):
    requests_per_minute: int = Field(ge=0)
    writes_per_minute: int = Field(ge=0)
    kept_stories: int = Field(ge=0)


class Settings(_Section):
    read: ReadSettings
    feeds: FeedSettings
    clean: CleanSettings
    annotate: AnnotateSettings
    pipeline: PipelineSettings
    embed: EmbedSettings
    dedup: DedupSettings
    stories: StorySettings
    threads: ThreadSettings
    resolve: ResolveSettings
    quotes: QuoteSettings
    quote_groups: QuoteGroupSettings
    summary: SummarySettings
    timeline: TimelineSettings
    serve: ServeSettings


def _packaged_defaults() -> dict[str, Any]:
    text = resources.files("storyline").joinpath("defaults.toml").read_text("utf-8")
    return tomllib.loads(text)


def _merge(base: dict[str, Any], override: dict[str, Any], where: str) -> dict[str, Any]:
    merged = {name: dict(values) for name, values in base.items()}
    for section, values in override.items():
        if section not in merged or not isinstance(values, dict):
            known = ", ".join(sorted(merged))
            raise ConfigError(f"{where}: unknown section [{section}] (known: {known})")
        for key, value in values.items():
            if key not in merged[section]:
                known = ", ".join(sorted(merged[section]))
                raise ConfigError(f"{where}: unknown key {section}.{key} (known: {known})")
            merged[section][key] = value
    return merged


def _user_file(path: str | Path | None) -> Path | None:
    if path is not None:
        return Path(path)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    local = Path.cwd() / USER_FILE_NAME
    return local if local.is_file() else None


def load_settings(path: str | Path | None = None, **overrides: dict[str, Any]) -> Settings:
    """Packaged defaults, then the user file, then ``overrides`` (``section={key: value}``)."""
    values = _packaged_defaults()
    user = _user_file(path)
    if user is not None:
        try:
            values = _merge(values, tomllib.loads(user.read_text("utf-8")), str(user))
        except OSError as exc:
            raise ConfigError(f"{user}: cannot read settings file ({exc.strerror})") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{user}: not valid TOML ({exc})") from exc
    values = _merge(values, overrides, "overrides")
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"setting {key}: {first['msg']}") from exc


def default_settings() -> Settings:
    """The packaged defaults alone (no user file), as tests and benchmarks use them."""
    return Settings.model_validate(_packaged_defaults())
