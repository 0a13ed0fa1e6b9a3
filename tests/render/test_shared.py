"""What both rendering engines share: the project's settings, the notebook check, stderr's tail."""

import pytest

from portraits.core.errors import RenderError
from portraits.render import shared


def test_the_projects_settings_give_the_filters_as_absolute_paths():
    settings = shared.project_settings()
    assert settings["filters"] and all(f.startswith("/") for f in settings["filters"] if isinstance(f, str))
    assert shared.project_file().name == "_quarto.yml" and settings["lang"] == "fr"


def test_missing_settings_and_notebooks_are_render_errors(tmp_path, monkeypatch):
    monkeypatch.setattr(shared, "project_file", lambda: tmp_path / "_quarto.yml")
    with pytest.raises(RenderError, match="the project's Quarto settings are missing"):
        shared.project_settings()
    with pytest.raises(RenderError, match="notebook not found"):
        shared.existing_notebook(tmp_path / "absent.ipynb")


def test_a_tools_message_keeps_its_last_lines():
    assert shared.stderr_tail("\n".join(f"line {i}" for i in range(30)) + "\n", 2) == "line 28\nline 29"
