"""What storyline runs is what was tested: dependencies in pinned ranges, model files checked
against their sha256 before use."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from conftest import ROOT
from storyline.annotate import models
from storyline.errors import ModelError


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    extras = [r for group in project["optional-dependencies"].values() for r in group]
    return [Requirement(r) for r in [*project["dependencies"], *extras]]


def test_every_dependency_is_a_range_with_an_upper_bound() -> None:
    requirements = _requirements()
    assert len(requirements) > 20
    unbounded = [
        str(r)
        for r in requirements
        if r.name != "storyline"  # the extras naming each other
        and not any(spec.operator in {"<", "<=", "==", "~="} for spec in r.specifier)
    ]
    assert unbounded == []


def test_the_model_files_in_use_are_the_ones_their_digests_name() -> None:
    weights, vocabulary = models.use_paths()
    assert weights.is_file() and vocabulary.is_file()
    assert models.minilm_onnx_path().is_file()
    assert models.minilm_tokenizer_path().is_file()


def test_a_model_file_changed_after_install_is_refused_by_name(tmp_path: Path) -> None:
    _, vocabulary = models.use_paths()
    tampered = tmp_path / "sp.model"
    shutil.copy(vocabulary, tampered)
    models.verify_sha256(tampered, models.USE_SHA256["sp.model"])  # a faithful copy passes
    data = bytearray(tampered.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"sp\.model has sha256 .* expected"):
        models.verify_sha256(tampered, models.USE_SHA256["sp.model"])


def test_a_missing_model_file_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot be read"):
        models.verify_sha256(tmp_path / "gone.npz", models.USE_SHA256["weights.npz"])
