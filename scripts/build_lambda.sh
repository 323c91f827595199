#!/usr/bin/env bash
# Build the Lambda packages template.yaml points at: build/lambda/inventory and build/lambda/site.
#
#   scripts/build_lambda.sh [inventory|site|all] [--install]
#
# Each package gets only the hubshop modules its handlers use, the project's
# hubshop.toml, and its own requirements.txt (sync/service/requirements.txt or
# sync/site_refresh/requirements.txt); `sam build` can then install those into it.
#
# --install builds the package as AWS will run it, without SAM or Docker:
#   * its requirements, and nothing else, as wheels for the template's runtime
#     (CPython 3.12, manylinux; LAMBDA_ARCH = arm64 as template.yaml says, or x86_64
#     to run the package on this machine, which the tests do);
#   * compiled to 3.12 bytecode (unchecked-hash .pyc), so a cold start reads
#     __pycache__ instead of compiling every module (/var/task is read-only);
#   * every handler then imported by a clean 3.12 interpreter (-I -S) whose path is
#     only the package and the runtime's boto3 ($LAMBDA_BUILD_DIR/.runtime), checking
#     that nothing was compiled on import. This machine's packages cannot leak in.
# Without --install only hubshop's own modules are copied, and the handlers are imported
# with this machine's packages (a quick check that no hubshop module was left out).
#
# Deploy an --install build with `sam deploy` straight from template.yaml's CodeUri folders:
# `sam build` copies sources without __pycache__ and would throw the bytecode away.
#
# LAMBDA_BUILD_DIR builds somewhere else than build/lambda (tests do).
# LAMBDA_PYTHON names the runtime's interpreter (default: python3.12, or pyenv's 3.12).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
[ -x "$python" ] || python="$(command -v python3)"
which="${1:-all}"
install="${2:-}"
build_dir="${LAMBDA_BUILD_DIR:-$root/build/lambda}"
runtime_version=3.12
arch="${LAMBDA_ARCH:-arm64}"
case "$arch" in
  arm64|aarch64) platform=manylinux2014_aarch64 ;;
  x86_64|amd64) platform=manylinux2014_x86_64 ;;
  *) echo "LAMBDA_ARCH must be arm64 or x86_64, not $arch" >&2; exit 2 ;;
esac

# hubshop's own modules each package carries (paths under sync/, directories whole).
inventory_parts=(__init__.py config.py env_names.py errors.py paths.py model inventory
  jobs/__init__.py jobs/inventory.py local/__init__.py local/db.py local/inventory.py
  local/ledger.py local/shop.py local/shop_base.py local/shop_bulk.py local/shop_catalog.py
  local/shop_orders.py
  local/shop_payloads.py local/shop_schema.py local/shop_search.py local/shop_stock.py
  local/shop_types.py plumbing service shopify warehouse
  aws jobs/stack.py operator/__init__.py operator/console_app.py operator/console_page.py
  operator/payouts.py operator/session_token.py)
site_parts=("${inventory_parts[@]}" catalog hubspot jobs local site_refresh)

# the handlers, and what their first events import lazily (the wiring and its adapters)
inventory_handlers=(sync.service.http_handler sync.service.queue_handler
  sync.service.schedule_handler sync.service.rotation_handler sync.service.consumer
  sync.service.aws sync.jobs.inventory sync.local.inventory sync.local.ledger
  sync.warehouse.rest sync.warehouse.csv_drop sync.service.console_handler
  sync.service.console_source sync.operator.console_app sync.jobs.stack sync.shopify.payouts)
site_handlers=(sync.site_refresh.handler sync.site_refresh.nightly_handler sync.jobs.catalog
  sync.jobs.nightly)

runtime_python() {
  # The template's runtime interpreter: LAMBDA_PYTHON, python3.12 on PATH, or pyenv's.
  local candidate
  for candidate in "${LAMBDA_PYTHON:-}" "$(command -v "python$runtime_version" || true)" \
      "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$runtime_version".*/bin/python"$runtime_version"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -c \
        "import sys; sys.exit(sys.version_info[:2] != (${runtime_version/./, }))" 2>/dev/null; then
      "$candidate" -c 'import sys; print(sys.executable)'
      return 0
    fi
  done
  return 1
}

pip_for_runtime() {
  # pip install the Lambda runtime's wheels (3.12, manylinux, this arch) into a folder.
  local target="$1"; shift
  "$python" -m pip install -qq --disable-pip-version-check --no-compile --upgrade \
    --target "$target" --platform "$platform" --implementation cp \
    --python-version "$runtime_version" --only-binary=:all: "$@"
}

# Imports the handlers from the package in a clean interpreter; fails if any module of the
# package had to be compiled (a missing or stale .pyc) or came from outside the package.
clean_import_probe='
import importlib, json, sys, time
from importlib.machinery import SourceFileLoader
package, runtime, names = sys.argv[1], sys.argv[2], sys.argv[3:]
sys.path[:0] = [package, runtime]
compiled = []
source_to_code = SourceFileLoader.source_to_code
def spy(self, data, path, *args, **kwargs):
    compiled.append(path)
    return source_to_code(self, data, path, *args, **kwargs)
SourceFileLoader.source_to_code = spy
started = time.perf_counter()
for name in names:
    module = importlib.import_module(name)
    if not module.__file__.startswith(package):
        sys.exit(f"{name} was imported from {module.__file__}, not from the package")
seconds = time.perf_counter() - started
outside = sorted({m.__file__ for m in list(sys.modules.values())
                  if getattr(m, "__file__", None) and "site-packages" in m.__file__})
if outside:
    sys.exit(f"imported from site-packages, not the package: {outside[:3]}")
if compiled:
    sys.exit(f"compiled on import (no usable .pyc): {compiled[:5]}")
print(json.dumps({"import_seconds": round(seconds, 3), "modules": len(sys.modules)}))
'

build() {
  local name="$1" requirements="$2"; shift 2
  local -n parts="$1" handlers="$2"
  local out="$build_dir/$name" started=$SECONDS
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
  if [ "$install" != "--install" ]; then
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
    return
  fi
  local runtime
  runtime="$(runtime_python)" || {
    echo "--install needs Python $runtime_version (the template's runtime): set LAMBDA_PYTHON" >&2
    exit 1
  }
  pip_for_runtime "$out" -r "$out/requirements.txt"
  if [ ! -d "$build_dir/.runtime/boto3" ]; then
    # what the Lambda runtime itself provides, kept apart from the package
    pip_for_runtime "$build_dir/.runtime" boto3
    "$runtime" -W ignore -m compileall -q -j 0 --invalidation-mode unchecked-hash "$build_dir/.runtime"
  fi
  find "$out" -name __pycache__ -type d -prune -exec rm -rf {} +
  "$runtime" -W ignore -m compileall -q -j 0 --invalidation-mode unchecked-hash "$out" >/dev/null
  local probe="skipped: $platform wheels do not load on $(uname -m); LAMBDA_ARCH=$(uname -m) checks"
  if [ "${platform#manylinux2014_}" = "$(uname -m)" ]; then
    probe="$(cd "$out" && env -i PATH="/usr/bin:/bin" LAMBDA_TASK_ROOT="$out" \
      "$runtime" -I -S -c "$clean_import_probe" "$out" "$build_dir/.runtime" "${handlers[@]}")"
  fi
  echo "built $out for python$runtime_version $platform ($(du -sh "$out" | cut -f1)," \
    "$((SECONDS - started)) s; clean import: $probe)"
}

case "$which" in
  inventory) build inventory sync/service/requirements.txt inventory_parts inventory_handlers ;;
  site) build site sync/site_refresh/requirements.txt site_parts site_handlers ;;
  all)
    build inventory sync/service/requirements.txt inventory_parts inventory_handlers
    build site sync/site_refresh/requirements.txt site_parts site_handlers ;;
  *) echo "usage: $0 [inventory|site|all] [--install]" >&2; exit 2 ;;
esac
