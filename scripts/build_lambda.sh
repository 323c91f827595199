#!/usr/bin/env bash
# Build the Lambda packages template.yaml points at: build/lambda/inventory and build/lambda/site.
#
#   scripts/build_lambda.sh [inventory|site|all] [--install]
#
# Each package gets only the hubshop modules its handlers use, the project's
# hubshop.toml, and its own requirements.txt (sync/service/requirements.txt or
# sync/site_refresh/requirements.txt); `sam build` then installs those into it.
# --install also pip-installs them here (for a size check or a zip without SAM).
# LAMBDA_BUILD_DIR builds somewhere else than build/lambda (tests do).
# After copying, every handler is imported from the package itself, so a module
# left out fails the build, not the first invocation.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
[ -x "$python" ] || python="$(command -v python3)"
which="${1:-all}"
install="${2:-}"

# hubshop's own modules each package carries (paths under sync/, directories whole).
inventory_parts=(__init__.py config.py env_names.py errors.py paths.py catalog/__init__.py
  catalog/model.py inventory local/__init__.py local/db.py local/shop.py local/shop_base.py
  local/shop_catalog.py local/shop_orders.py local/shop_payloads.py local/shop_schema.py
  local/shop_search.py local/shop_stock.py local/shop_types.py plumbing service shopify warehouse)
site_parts=("${inventory_parts[@]}" catalog hubspot jobs local site_refresh)

inventory_handlers=(sync.service.http_handler sync.service.queue_handler
  sync.service.schedule_handler sync.service.rotation_handler sync.service.consumer)
site_handlers=(sync.site_refresh.handler sync.site_refresh.nightly_handler sync.catalog.sync)

build() {
  local name="$1" requirements="$2"; shift 2
  local -n parts="$1" handlers="$2"
  local out="${LAMBDA_BUILD_DIR:-$root/build/lambda}/$name"
  rm -rf "$out"
  mkdir -p "$out/sync"
  for part in "${parts[@]}"; do
    mkdir -p "$out/sync/$(dirname "$part")"
    cp -R "$root/sync/$part" "$out/sync/$(dirname "$part")/"
  done
  find "$out" -name __pycache__ -type d -prune -exec rm -rf {} +
  rm -rf "$out/sync/local/demo"
  cp "$root/$requirements" "$out/requirements.txt"
  if [ -f "$root/hubshop.toml" ]; then cp "$root/hubshop.toml" "$out/hubshop.toml"; fi
  if [ "$install" = "--install" ]; then
    "$python" -m pip install --quiet --target "$out" -r "$out/requirements.txt"
  fi
  # every handler must import from the package alone (with this machine's third-party packages)
  (cd "$out" && "$python" -I -c '
import importlib, pathlib, sys
sys.path.insert(0, ".")
for name in sys.argv[1:]:
    module = importlib.import_module(name)
    if not pathlib.Path(module.__file__).resolve().is_relative_to(pathlib.Path.cwd()):
        sys.exit(f"{name} was imported from {module.__file__}, not from the package")
' "${handlers[@]}")
  echo "built $out ($(du -sh "$out" | cut -f1))"
}

case "$which" in
  inventory) build inventory sync/service/requirements.txt inventory_parts inventory_handlers ;;
  site) build site sync/site_refresh/requirements.txt site_parts site_handlers ;;
  all)
    build inventory sync/service/requirements.txt inventory_parts inventory_handlers
    build site sync/site_refresh/requirements.txt site_parts site_handlers ;;
  *) echo "usage: $0 [inventory|site|all] [--install]" >&2; exit 2 ;;
esac
