"""Settings: precedence, both HubSpot CLI formats, and errors that name key and file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sync.config import Secret, load_settings, read_hubspot_config
from sync.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]

LEGACY = """
defaultPortal: staging
portals:
  - name: staging
    portalId: 111
    authType: personalaccesskey
    personalAccessKey: key-staging
  - name: production
    portalId: 222
    authType: personalaccesskey
    personalAccessKey: key-production
"""

CURRENT = """
defaultAccount: production
accounts:
  - name: staging
    accountId: 111
    authType: personalaccesskey
    personalAccessKey: key-staging
  - name: production
    accountId: 222
    authType: personalaccesskey
    personalAccessKey: key-production
"""


def test_no_credentials_means_embedded_default(tmp_path: Path) -> None:
    # when
    settings = load_settings(env={}, cwd=tmp_path)
    # then
    assert settings.embedded
    assert "embedded default" in settings.mode_line()
    assert settings.catalog.table == "products"
    assert settings.home == tmp_path / ".hubshop"


def test_flags_beat_env_beat_project_file(tmp_path: Path) -> None:
    # given
    (tmp_path / "hubshop.toml").write_text('[catalog]\ntable = "from_file"\nbatch_size = 50\n')
    # when
    from_file = load_settings(env={}, cwd=tmp_path)
    flagged = load_settings(flags={"catalog.table": "from_flag"}, env={}, cwd=tmp_path)
    # then
    assert (from_file.catalog.table, from_file.catalog.batch_size) == ("from_file", 50)
    assert (flagged.catalog.table, flagged.catalog.batch_size) == ("from_flag", 50)


def test_real_environment_beats_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    (tmp_path / ".env").write_text(
        "SHOPIFY_STORE=from-dotenv.myshopify.com\nSHOPIFY_ACCESS_TOKEN=shpat_dotenv\n"
    )
    monkeypatch.setenv("SHOPIFY_STORE", "from-env.myshopify.com")
    # when
    settings = load_settings(cwd=tmp_path)
    # then
    assert settings.shopify.store == "from-env.myshopify.com"
    assert settings.shopify.access_token == Secret("shpat_dotenv")
    assert settings.shopify.configured and not settings.embedded


def test_shipped_project_file_is_valid(tmp_path: Path) -> None:
    # given the commented hubshop.toml from the repository
    shutil.copy(REPO / "hubshop.toml", tmp_path / "hubshop.toml")
    # when
    settings = load_settings(env={}, cwd=tmp_path)
    # then
    assert settings.inventory.location_map["WH-MAIN"] == "Fernhill Warehouse"
    assert settings.inventory.timezone == "Europe/Amsterdam"
    assert settings.warehouse.fields["sku"] == "sku"


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[inventory]\nhand_edits = "ignore"\n', "hubshop.toml:2: [inventory].hand_edits"),
        ('[catalog]\n\nbatch_size = "lots"\n', "hubshop.toml:3: [catalog].batch_size"),
        ('[catalog]\nbatch_size = 500\n', "hubshop.toml:2: [catalog].batch_size must be 1..100"),
        ('[catalog]\ntable = "2products"\n', "[catalog].table"),
        ('[catalog]\ntabel = "x"\n', "[catalog].tabel is not a setting"),
        ('[shop]\nx = 1\n', "unknown section [shop]"),
        ('[warehouse]\napi_key = "abc"\n', "secrets belong in the environment"),
        ('[inventory]\ntimezone = "Mars/Olympus"\n', "not an IANA time zone"),
        ('[catalog\n', "not valid TOML"),
    ],
)
def test_bad_project_values_name_key_and_file(tmp_path: Path, toml: str, expected: str) -> None:
    # given
    (tmp_path / "hubshop.toml").write_text(toml)
    # when / then
    with pytest.raises(ConfigError, match=None) as caught:
        load_settings(env={}, cwd=tmp_path)
    assert expected in str(caught.value)
    assert "hubshop.toml" in str(caught.value)


def test_bad_store_domain_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SHOPIFY_STORE"):
        load_settings(env={"SHOPIFY_STORE": "my shop"}, cwd=tmp_path)


def test_webhook_secret_defaults_to_client_secret(tmp_path: Path) -> None:
    env = {
        "SHOPIFY_STORE": "brand.myshopify.com",
        "SHOPIFY_CLIENT_ID": "cid",
        "SHOPIFY_CLIENT_SECRET": "shpss_client",
    }
    settings = load_settings(env=env, cwd=tmp_path)
    assert settings.shopify.webhook_secret == Secret("shpss_client")
    assert settings.shopify.graphql_url == (
        "https://brand.myshopify.com/admin/api/2026-04/graphql.json"
    )


def test_admin_url_override(tmp_path: Path) -> None:
    env = {"SHOPIFY_STORE": "brand.myshopify.com", "SHOPIFY_ADMIN_URL": "http://127.0.0.1:9/"}
    settings = load_settings(env=env, cwd=tmp_path)
    assert settings.shopify.graphql_url == "http://127.0.0.1:9/admin/api/2026-04/graphql.json"


@pytest.mark.parametrize(("text", "default_name"), [(LEGACY, "staging"), (CURRENT, "production")])
def test_both_hubspot_cli_formats(tmp_path: Path, text: str, default_name: str) -> None:
    # given
    path = tmp_path / "hubspot.config.yml"
    path.write_text(text)
    # when
    default = read_hubspot_config(path)
    chosen = read_hubspot_config(path, "staging")
    by_id = read_hubspot_config(path, "222")
    # then
    assert default.account_name == default_name
    assert chosen.personal_access_key == Secret("key-staging")
    assert chosen.account_id == "111"
    assert by_id.account_name == "production"


def test_account_flag_picks_from_config_even_with_env_token(tmp_path: Path) -> None:
    (tmp_path / "hubspot.config.yml").write_text(CURRENT)
    env = {"HUBSPOT_ACCESS_TOKEN": "pat-na1-envtoken"}
    assert load_settings(env=env, cwd=tmp_path).hubspot.access_token == Secret("pat-na1-envtoken")
    staged = load_settings(env=env, cwd=tmp_path, account="staging").hubspot
    assert staged.account_name == "staging" and staged.access_token is None


def test_unknown_account_lists_the_known_ones(tmp_path: Path) -> None:
    (tmp_path / "hubspot.config.yml").write_text(LEGACY)
    with pytest.raises(ConfigError, match="no account named 'qa'.*staging, production"):
        load_settings(env={}, cwd=tmp_path, account="qa")


def test_secrets_never_print(tmp_path: Path) -> None:
    env = {"SHOPIFY_STORE": "brand.myshopify.com", "SHOPIFY_ACCESS_TOKEN": "shpat_topsecret"}
    settings = load_settings(env=env, cwd=tmp_path)
    assert "shpat_topsecret" not in repr(settings)
    assert "shpat_topsecret" not in str(settings.shopify)


def test_env_example_documents_every_variable() -> None:
    from sync import env_names

    text = (REPO / ".env.example").read_text()
    for name in env_names.ALL:
        assert f"{name}=" in text, name
