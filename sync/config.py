"""Settings from flags, the environment / ``.env``, ``hubshop.toml`` and ``hubspot.config.yml``.

Precedence, highest first: command-line flags, environment variables (a real
variable beats the same name in ``.env``), the project file ``hubshop.toml``
(non-secret settings only), and the HubSpot CLI's ``hubspot.config.yml`` for
HubSpot credentials. Every bad value fails naming the key and the file (and the
line, where the file has lines), so a typo never silently falls back to a
default. With no credentials at all, hubshop runs on its embedded default.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from dotenv import dotenv_values

from sync import env_names as E
from sync.errors import ConfigError
from sync.plumbing.redact import register_secret

SHOPIFY_API_VERSION = "2026-04"
HUBSPOT_API_BASE = "https://api.hubapi.com"
PROJECT_FILE = "hubshop.toml"
HUBSPOT_CONFIG_FILE = "hubspot.config.yml"
DELETE_POLICIES = ("gone", "draft", "archived")
HAND_EDIT_POLICIES = ("forward", "offset", "overwrite")


class Secret:
    """A secret that never shows itself in ``repr``, ``str``, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        register_secret(value)

    def reveal(self) -> str:
        """The value itself, for the one place that sends it (a header, a signature)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class ShopifySettings:
    store: str | None = None
    access_token: Secret | None = None
    client_id: str | None = None
    client_secret: Secret | None = None
    webhook_secret: Secret | None = None
    storefront_token: str | None = None
    admin_url: str | None = None
    api_version: str = SHOPIFY_API_VERSION

    @property
    def configured(self) -> bool:
        """Enough to call the Admin API: a store plus a token or client credentials."""
        return bool(self.store) and (
            self.access_token is not None
            or (bool(self.client_id) and self.client_secret is not None)
        )

    @property
    def base_url(self) -> str:
        if self.admin_url:
            return self.admin_url.rstrip("/")
        return f"https://{self.store}"

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/admin/api/{self.api_version}/graphql.json"

    @property
    def partial(self) -> bool:
        """Some Shopify setting is given but not enough to call: neither live nor the demo."""
        given = (self.store, self.access_token, self.client_id, self.client_secret)
        return not self.configured and any(v is not None for v in given)

    def missing(self) -> list[str]:
        """The settings a live Shopify call still needs, by env name."""
        gaps = [] if self.store else [E.SHOPIFY_STORE]
        if self.access_token is None and not (self.client_id and self.client_secret):
            gaps.append(
                f"{E.SHOPIFY_ACCESS_TOKEN} (or {E.SHOPIFY_CLIENT_ID} + {E.SHOPIFY_CLIENT_SECRET})"
            )
        return gaps


@dataclass(frozen=True)
class HubSpotSettings:
    account_name: str | None = None
    account_id: str | None = None
    access_token: Secret | None = None
    personal_access_key: Secret | None = None
    api_base: str = HUBSPOT_API_BASE
    source: str = ""

    @property
    def configured(self) -> bool:
        return self.access_token is not None or self.personal_access_key is not None

    def missing(self) -> list[str]:
        if self.configured:
            return []
        return [
            f"{E.HUBSPOT_ACCESS_TOKEN} (or {E.HUBSPOT_PERSONAL_ACCESS_KEY} + "
            f"{E.HUBSPOT_ACCOUNT_ID}, or an account in {HUBSPOT_CONFIG_FILE})"
        ]


@dataclass(frozen=True)
class CatalogSettings:
    table: str = "products"
    delete: tuple[str, ...] = DELETE_POLICIES
    batch_size: int = 100
    bulk_threshold: int = 68
    """Products above which a full Shopify read is one bulk operation (four pages at the
    published prices): the crossover measured by ``benchmarks/catalog_sync.py --section
    crossover``; see sync/catalog/README.md."""


@dataclass(frozen=True)
class SiteSettings:
    theme: str | None = None
    out: str | None = None
    port: int = 8000
    portal_id: str | None = None


@dataclass(frozen=True)
class InventorySettings:
    location_map: dict[str, str] = field(default_factory=dict)
    buffer: int = 0
    buffers: dict[str, int] = field(default_factory=dict)
    hand_edits: str = "offset"
    batch_size: int = 100
    quantity_ceiling: int = 100_000
    timezone: str = "UTC"
    poll_minutes: int = 15
    activate_unstocked: bool = False


@dataclass(frozen=True)
class WarehouseSettings:
    kind: str = "csv"
    feed: str | None = None
    url: str | None = None
    api_key: Secret | None = None
    fields: dict[str, str] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    catalog_fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportSettings:
    """``[import]``: the nightly product import (see sync/catalog/importer.py)."""

    feed: str | None = None
    shrink_percent: int = 20
    archive_missing: bool = False
    identifier: str = "handle"
    custom_id: str = "hubshop.product_id"
    bulk_threshold: int = 250
    categories: dict[str, str] = field(default_factory=dict)
    location: str | None = None
    lock_minutes: int = 120


@dataclass(frozen=True)
class ServiceSettings:
    """Where the inventory service is deployed: a CloudFormation stack (``[service] stack``,
    env ``HUBSHOP_STACK``, flag ``--stack``). Unset, the CLI works on the local store.

    ``region`` is the one answer every AWS caller uses (doctor, deploy's ``sam deploy
    --region``, status, inventory, dead letters): ``[service] region``, else
    ``AWS_REGION``, else ``AWS_DEFAULT_REGION`` (botocore alone reads only the last, so
    a person who set ``AWS_REGION`` would otherwise be told "no region")."""

    stack: str | None = None
    region: str | None = None


@dataclass(frozen=True)
class Settings:
    """Everything hubshop knows about where it runs; built once per command or cold start."""

    home: Path
    project_file: Path | None = None
    shopify: ShopifySettings = field(default_factory=ShopifySettings)
    hubspot: HubSpotSettings = field(default_factory=HubSpotSettings)
    catalog: CatalogSettings = field(default_factory=CatalogSettings)
    site: SiteSettings = field(default_factory=SiteSettings)
    inventory: InventorySettings = field(default_factory=InventorySettings)
    warehouse: WarehouseSettings = field(default_factory=WarehouseSettings)
    imports: ImportSettings = field(default_factory=ImportSettings)
    service: ServiceSettings = field(default_factory=ServiceSettings)

    @property
    def embedded(self) -> bool:
        """No live service configured: every command runs on the local stand-ins."""
        return not (self.shopify.configured or self.hubspot.configured)

    @property
    def database(self) -> Path:
        return self.home / "hubshop.sqlite3"

    def mode_line(self) -> str:
        """The one line that tells a person which world a command talks to."""
        if self.embedded:
            return (
                f"No Shopify or HubSpot credentials: using the embedded default in {self.home}/ "
                "(README: 'Configuration for real services')."
            )
        parts = []
        parts.append(f"Shopify {self.shopify.store}" if self.shopify.configured else "local shop")
        if self.hubspot.configured:
            account = self.hubspot.account_name or self.hubspot.account_id or "private app"
            parts.append(f"HubSpot {account}")
        else:
            parts.append("local HubDB")
        return "Talking to " + " and ".join(parts) + "."


# --------------------------------------------------------------------------- loading


def load_settings(
    *,
    flags: Mapping[str, Any] | None = None,
    account: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Build :class:`Settings` from every source in precedence order.

    Args:
        flags: command-line values, keyed ``section.key`` (``catalog.table``) or ``home``.
        account: ``--account NAME``: a HubSpot account (name or id) from ``hubspot.config.yml``.
        env: the environment (defaults to ``os.environ`` over ``cwd/.env``).
        cwd: where ``.env``, ``hubshop.toml`` and ``hubspot.config.yml`` are looked for.
    """
    cwd = cwd or Path.cwd()
    environ = _environment(env, cwd)
    flags = dict(flags or {})

    project_path = Path(environ.get(E.HUBSHOP_CONFIG) or cwd / PROJECT_FILE)
    project = _read_project(project_path) if project_path.exists() else {}
    if E.HUBSHOP_CONFIG in environ and not project_path.exists():
        raise ConfigError(f"{E.HUBSHOP_CONFIG} points to {project_path}, which does not exist")

    home = Path(flags.pop("home", None) or environ.get(E.HUBSHOP_HOME) or cwd / ".hubshop")
    sections = {name: dict(project.get(name, {})) for name in _SECTIONS}
    for key, value in flags.items():
        section, _, name = key.partition(".")
        if section not in _SECTIONS or not name:
            raise ConfigError(f"unknown setting {key!r} given as a flag")
        if value is not None:
            sections[section]["__flag_stack__" if key == "service.stack" else name] = value

    where = str(project_path)
    settings = Settings(
        home=home,
        project_file=project_path if project else None,
        shopify=_shopify(environ),
        hubspot=_hubspot(environ, account, cwd),
        catalog=_build(CatalogSettings, sections["catalog"], "catalog", where),
        site=_build(SiteSettings, sections["site"], "site", where),
        inventory=_build(InventorySettings, sections["inventory"], "inventory", where),
        warehouse=_warehouse(sections["warehouse"], environ, where),
        imports=_build(ImportSettings, sections["import"], "import", where),
        service=_service(sections["service"], environ, where),
    )
    _check(settings, where, project.get("__text__", ""))
    return settings


_SECTIONS = ("catalog", "site", "inventory", "warehouse", "import", "service")
_SECRET_WORDS = re.compile(r"(token|secret|password|api_key|access_key)", re.I)


class _Environment(dict[str, str]):
    """Environment values that remember whether each came from ``.env`` or the process."""

    dotenv: Path | None = None
    from_dotenv: frozenset[str] = frozenset()

    def where(self, name: str) -> str:
        """``NAME`` plus its origin, for error messages."""
        if name in self.from_dotenv and self.dotenv is not None:
            return f"{name} (in {self.dotenv})"
        return f"{name} (environment)"


def _environment(env: Mapping[str, str] | None, cwd: Path) -> _Environment:
    if env is not None:
        return _Environment(env)
    dotenv_path = cwd / ".env"
    from_file = {k: v for k, v in dotenv_values(dotenv_path).items() if v is not None}
    merged = _Environment(from_file)
    merged.update(os.environ)
    merged.dotenv = dotenv_path
    merged.from_dotenv = frozenset(k for k in from_file if k not in os.environ)
    return merged


def _read_project(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    for section, values in data.items():
        if section not in _SECTIONS:
            raise ConfigError(
                f"{path}:{_line_of(text, section, None)}: unknown section [{section}] "
                f"(known: {', '.join(f'[{s}]' for s in _SECTIONS)})"
            )
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: {section} must be a [section] table")
        for key in values:
            if _SECRET_WORDS.search(key):
                raise ConfigError(
                    f"{path}:{_line_of(text, section, key)}: [{section}].{key} looks like a "
                    "secret; secrets belong in the environment or .env, never in hubshop.toml"
                )
    data["__text__"] = text
    return data


def _line_of(text: str, section: str, key: str | None) -> int:
    """Best-effort line number of ``[section]`` / ``key =`` for error messages."""
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"\[\s*([A-Za-z0-9_.-]+)\s*\]", stripped)
        if header:
            current = header.group(1).split(".")[0]
            if key is None and current == section:
                return number
            continue
        if current == section and key and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return 1


def _build(cls: type, values: dict[str, Any], section: str, where: str) -> Any:
    known = {f.name: f for f in cls.__dataclass_fields__.values()}  # type: ignore[attr-defined]
    text = ""
    if Path(where).exists():
        text = Path(where).read_text(encoding="utf-8")
    kwargs: dict[str, Any] = {}
    for key, raw in values.items():
        place = f"{where}:{_line_of(text, section, key)}: [{section}].{key}"
        if key not in known:
            raise ConfigError(f"{place} is not a setting (known: {', '.join(sorted(known))})")
        kwargs[key] = _coerce(raw, cls.__dataclass_fields__[key].type, place)  # type: ignore[attr-defined]
    return cls(**kwargs)


def _coerce(raw: Any, annotation: str, place: str) -> Any:
    kind = str(annotation)
    try:
        if kind.startswith("int"):
            if isinstance(raw, bool):
                raise ValueError
            value = int(raw)
            if str(value) != str(raw).strip() and not isinstance(raw, int):
                raise ValueError
            return value
        if kind.startswith("bool"):
            if isinstance(raw, bool):
                return raw
            lowered = str(raw).strip().lower()
            if lowered in ("true", "1", "yes"):
                return True
            if lowered in ("false", "0", "no"):
                return False
            raise ValueError
        if kind.startswith("tuple"):
            items = raw.split(",") if isinstance(raw, str) else list(raw)
            return tuple(str(i).strip() for i in items if str(i).strip())
        if kind.startswith("dict[str, int]"):
            return {str(k): int(v) for k, v in dict(raw).items()}
        if kind.startswith("dict"):
            return {str(k): str(v) for k, v in dict(raw).items()}
        return None if raw is None else str(raw)
    except (TypeError, ValueError):
        expected = kind.split("[")[0].split(" ")[0]
        raise ConfigError(f"{place} = {raw!r} is not a valid {expected}") from None


def _secret(environ: Mapping[str, str], name: str) -> Secret | None:
    value = environ.get(name, "").strip()
    return Secret(value) if value else None


def _shopify(environ: _Environment) -> ShopifySettings:
    store = environ.get(E.SHOPIFY_STORE, "").strip() or None
    if store:
        store = re.sub(r"^https?://", "", store).rstrip("/")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*\.myshopify\.com", store):
            raise ConfigError(
                f"{environ.where(E.SHOPIFY_STORE)} is {store!r}, not a store domain like "
                "brand.myshopify.com"
            )
    client_secret = _secret(environ, E.SHOPIFY_CLIENT_SECRET)
    return ShopifySettings(
        store=store,
        access_token=_secret(environ, E.SHOPIFY_ACCESS_TOKEN),
        client_id=environ.get(E.SHOPIFY_CLIENT_ID, "").strip() or None,
        client_secret=client_secret,
        webhook_secret=_secret(environ, E.SHOPIFY_WEBHOOK_SECRET) or client_secret,
        storefront_token=environ.get(E.SHOPIFY_STOREFRONT_TOKEN, "").strip() or None,
        admin_url=environ.get(E.SHOPIFY_ADMIN_URL, "").strip() or None,
    )


def _hubspot(environ: Mapping[str, str], account: str | None, cwd: Path) -> HubSpotSettings:
    api_base = (environ.get(E.HUBSPOT_API_BASE) or HUBSPOT_API_BASE).rstrip("/")
    config_path = Path(environ.get(E.HUBSPOT_CONFIG) or cwd / HUBSPOT_CONFIG_FILE)
    if environ.get(E.HUBSPOT_CONFIG) and not config_path.exists():
        raise ConfigError(f"{E.HUBSPOT_CONFIG} points to {config_path}, which does not exist")
    if account is None:
        account_id = environ.get(E.HUBSPOT_ACCOUNT_ID) or None
        token = _secret(environ, E.HUBSPOT_ACCESS_TOKEN)
        key = _secret(environ, E.HUBSPOT_PERSONAL_ACCESS_KEY)
        if token or key:
            return HubSpotSettings(
                account_id=account_id,
                access_token=token,
                personal_access_key=None if token else key,
                api_base=api_base,
                source=E.HUBSPOT_ACCESS_TOKEN if token else E.HUBSPOT_PERSONAL_ACCESS_KEY,
            )
    if config_path.exists():
        return replace(read_hubspot_config(config_path, account), api_base=api_base)
    if account is not None:
        raise ConfigError(f"--account {account!r} given, but {config_path} does not exist")
    return HubSpotSettings(api_base=api_base)


def read_hubspot_config(path: Path, account: str | None = None) -> HubSpotSettings:
    """One account from a HubSpot CLI config, legacy (``portals``) or current (``accounts``)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", exc)
        raise ConfigError(f"{path}{line}: not valid YAML ({problem})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with 'accounts' or 'portals'")
    if "accounts" in data:
        entries, default, id_key = data["accounts"] or [], data.get("defaultAccount"), "accountId"
    else:
        entries, default, id_key = data.get("portals") or [], data.get("defaultPortal"), "portalId"
    if not entries:
        raise ConfigError(f"{path}: no accounts (neither 'accounts:' nor 'portals:' lists one)")
    wanted = account if account is not None else default
    chosen = None
    for entry in entries:
        if wanted is None or str(entry.get("name")) == str(wanted) or str(entry.get(id_key)) == str(
            wanted
        ):
            chosen = entry
            break
    if chosen is None:
        names = ", ".join(str(e.get("name")) for e in entries)
        raise ConfigError(f"{path}: no account named {wanted!r} (accounts: {names})")
    name = str(chosen.get("name") or chosen.get(id_key))
    auth_type = str(chosen.get("authType", "personalaccesskey")).lower()
    if auth_type != "personalaccesskey":
        raise ConfigError(
            f"{path}: account {name!r} uses authType {auth_type!r}; hubshop supports "
            "personalaccesskey here, or set HUBSPOT_ACCESS_TOKEN for a private app"
        )
    key = chosen.get("personalAccessKey")
    if not key:
        raise ConfigError(f"{path}: account {name!r} has no personalAccessKey")
    return HubSpotSettings(
        account_name=name,
        account_id=str(chosen.get(id_key)) if chosen.get(id_key) is not None else None,
        personal_access_key=Secret(str(key)),
        source=f"{path.name} account {name}",
    )


def _warehouse(values: dict[str, Any], environ: Mapping[str, str], where: str) -> WarehouseSettings:
    """``[warehouse]`` with the env over the file; ``WAREHOUSE_URL`` names a REST warehouse,
    so with no ``kind`` in the file the kind follows it (an explicit ``kind = "csv"`` beside
    a URL is a conflict ``hubshop doctor`` names)."""
    plain = {k: v for k, v in values.items() if k != "api_key"}
    built = _build(WarehouseSettings, plain, "warehouse", where)
    if "kind" not in plain and environ.get(E.WAREHOUSE_URL):
        built = replace(built, kind="rest")
    return replace(
        built,
        feed=environ.get(E.WAREHOUSE_FEED) or built.feed,
        url=environ.get(E.WAREHOUSE_URL) or built.url,
        api_key=_secret(environ, E.WAREHOUSE_API_KEY),
    )


def _service(values: dict[str, Any], environ: Mapping[str, str], where: str) -> ServiceSettings:
    """``[service]`` with ``HUBSHOP_STACK`` over the file (a ``--stack`` flag is over both)."""
    flagged = values.pop("__flag_stack__", None)
    region = values.get("region")
    if region is not None and (not isinstance(region, str) or not region.strip()):
        text = Path(where).read_text(encoding="utf-8") if Path(where).exists() else ""
        raise ConfigError(f"{where}:{_line_of(text, 'service', 'region')}: [service].region = "
                          f"{region!r} is not an AWS region name like \"eu-west-1\"")
    built = _build(ServiceSettings, values, "service", where)
    stack = flagged or environ.get(E.HUBSHOP_STACK) or built.stack
    region = (built.region or environ.get(E.AWS_REGION, "").strip()
              or environ.get(E.AWS_DEFAULT_REGION, "").strip() or None)
    return replace(built, stack=stack or None, region=region)


def _check(settings: Settings, where: str, text: str) -> None:
    def fail(section: str, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{where}:{_line_of(text, section, key)}: [{section}].{key} {problem}")

    catalog = settings.catalog
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", catalog.table):
        raise fail(
            "catalog",
            "table",
            f"= {catalog.table!r}: HubDB table names are lowercase letters, digits and "
            "underscores, not starting with a digit",
        )
    for policy in catalog.delete:
        if policy not in DELETE_POLICIES:
            choices = ", ".join(DELETE_POLICIES)
            raise fail("catalog", "delete", f"has {policy!r}; choose from {choices}")
    if not 1 <= catalog.batch_size <= 100:
        raise fail("catalog", "batch_size", "must be 1..100 (HubDB's batch limit)")
    if catalog.bulk_threshold < 1:
        raise fail("catalog", "bulk_threshold", "must be a positive number of products")
    inventory = settings.inventory
    if inventory.hand_edits not in HAND_EDIT_POLICIES:
        raise fail(
            "inventory",
            "hand_edits",
            f"= {inventory.hand_edits!r}; choose from {', '.join(HAND_EDIT_POLICIES)}",
        )
    if inventory.buffer < 0 or any(v < 0 for v in inventory.buffers.values()):
        raise fail("inventory", "buffer", "must not be negative")
    if inventory.batch_size < 1:
        raise fail("inventory", "batch_size", "must be at least 1")
    if inventory.quantity_ceiling < 1:
        raise fail("inventory", "quantity_ceiling", "must be a positive number of units")
    if inventory.poll_minutes < 1:
        raise fail("inventory", "poll_minutes", "must be at least 1 minute")
    if not 1 <= settings.site.port <= 65535:
        raise fail("site", "port", f"= {settings.site.port} is not a TCP port (1..65535)")
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(inventory.timezone)
    except Exception:  # noqa: BLE001 - any failure means the name is unusable
        problem = f"= {inventory.timezone!r} is not an IANA time zone"
        raise fail("inventory", "timezone", problem) from None
    imports = settings.imports
    if imports.identifier not in ("handle", "custom_id"):
        raise fail("import", "identifier", f"= {imports.identifier!r}; choose handle or custom_id")
    if not 0 <= imports.shrink_percent <= 100:
        raise fail("import", "shrink_percent", "must be 0..100 (per cent fewer products refused)")
    if imports.bulk_threshold < 1 or imports.lock_minutes < 1:
        raise fail("import", "bulk_threshold", "and lock_minutes must be at least 1")
