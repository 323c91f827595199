"""Every render failure names template:line and says what to fix; nothing is silently dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.site.hubl import HublEnvironment, HublError


@pytest.fixture
def env(tmp_path: Path) -> HublEnvironment:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "broken.html").write_text("line one\n{% if %}\n")
    (tmp_path / "modules" / "bad.module").mkdir(parents=True)
    (tmp_path / "modules" / "bad.module" / "module.html").write_text(
        "ok\n{{ no_such_function() }}\n")
    return HublEnvironment(tmp_path)


def _error(env: HublEnvironment, source: str) -> HublError:
    with pytest.raises(HublError) as caught:
        env.render_string(source, name="templates/page.html")
    return caught.value


def test_unknown_tag_names_template_and_line(env: HublEnvironment) -> None:
    error = _error(env, "a\nb\n{% no_such_tag %}")
    assert error.where == "templates/page.html:3"
    assert "unknown tag" in error.message and "no_such_tag" in error.message


def test_unknown_filter_names_template_and_line(env: HublEnvironment) -> None:
    error = _error(env, "\n{{ 1|no_such_filter }}")
    assert (error.where, error.message) == ("templates/page.html:2",
                                            "unknown filter: 'no_such_filter'")


def test_unknown_function_names_template_and_line(env: HublEnvironment) -> None:
    error = _error(env, "\n\n{{ no_such_function(1) }}")
    assert error.where == "templates/page.html:3"
    assert "no_such_function" in error.message and error.fix


def test_syntax_error_in_a_theme_file(env: HublEnvironment) -> None:
    with pytest.raises(HublError) as caught:
        env.render_template("templates/broken.html")
    assert caught.value.where == "templates/broken.html:2"
    assert caught.value.message.startswith("syntax error")


def test_error_inside_a_module_names_the_module_file(env: HublEnvironment) -> None:
    error = _error(env, '{% module "m" path="../modules/bad" %}')
    assert error.where == "modules/bad.module/module.html:2"


def test_missing_module_and_asset(env: HublEnvironment) -> None:
    assert "module not found" in _error(env, '\n{% module "m" path="../modules/nope" %}').message
    error = _error(env, "{{ get_asset_url('../css/missing.css') }}")
    assert error.where == "templates/page.html:1" and "asset not found" in error.message


def test_unclosed_block_tag_is_a_syntax_error(env: HublEnvironment) -> None:
    error = _error(env, '{% dnd_area "main" %}\n{% dnd_section %}\n{% end_dnd_area %}')
    assert error.message.startswith("syntax error")


def test_unknown_tag_inside_a_block_names_the_tag_not_an_unclosed_block(
        env: HublEnvironment) -> None:
    # given an unknown tag inside an open {% block %}
    source = "{% block main %}\nok\n{% no_such_tag %}\n{% endblock %}"
    # when
    error = _error(env, source)
    # then the tag and its template:line are named, with the fix for a misspelt tag
    assert error.where == "templates/page.html:3"
    assert error.message == "unknown tag: 'no_such_tag' (inside an open 'block' block)"
    assert "unclosed" not in error.message and "close the block" not in error.fix


def test_a_misplaced_end_tag_inside_a_block_is_still_an_unclosed_block(
        env: HublEnvironment) -> None:
    error = _error(env, "{% block main %}\n{% if x %}\n{% endblock %}")
    assert error.message.startswith("syntax error: unclosed block")
