#!/usr/bin/env bash
# Installs everything digitkit needs from a fresh clone: npm packages (`deno install`) and the
# native `tensorflow` backend (tfjs-node's Node-API binding over libtensorflow).
#
#   deno task setup        # or: bash tools/setup.sh
#
# tfjs-node's own install script downloads libtensorflow 2.9.1 from storage.googleapis.com and
# Deno never runs it. We do its job here, robustly:
#   1. libtensorflow: tfjs-node's own download if that host answers; otherwise the TF C library
#      inside the `tensorflow-cpu` Python wheel (`pip download`, works against PyPI or a local
#      index). Both are cached under .tools/ (gitignored) so reruns are fast.
#   2. `deps/` of the tfjs-node package -> relative symlink to the unpacked libtensorflow.
#   3. node-gyp builds lib/napi-v8/tfjs_binding.node against the local Node headers; its rpath
#      ($ORIGIN/../../deps/lib) finds libtensorflow without LD_LIBRARY_PATH.
# Only new files are written inside node_modules (deps/, build/, lib/): the package files Deno
# hardlinks from its shared cache are never modified, so clones cannot break each other.
#
# Needs: node + npm (for node-gyp), python3 + pip, g++, make. Idempotent: a rerun checks the
# built backend (~2 s) and stops there.
#
# Flags: --force   rebuild the binding (and relink libtensorflow) even if it works.
# Env:   DIGITKIT_LIBTF_SOURCE=auto|download|wheel (default auto: download, else wheel)
#        DIGITKIT_SKIP_TENSORFLOW=1  only `deno install`.
set -euo pipefail

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "[setup] ERROR: unknown argument '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TOOLS="$ROOT/.tools"
NODE_GYP_VERSION="11.4.2"
DENO_VERSION="2.9.6"
TFJS_NODE_LIBTF_VERSION="2.9.1" # what tfjs-node 4.22 downloads
# The wheel route pins one wheel (any pip can fetch it: the Python tag is only a file name here).
TF_WHEEL_VERSION="${DIGITKIT_TF_WHEEL_VERSION:-2.21.0}"
TF_WHEEL_PYTHON="3.11"
TF_WHEEL_PLATFORM="manylinux_2_27_x86_64"
LIBTF_SOURCE="${DIGITKIT_LIBTF_SOURCE:-auto}"
START=$(date +%s)

say() { printf '[setup] %s\n' "$*" >&2; }
die() {
  printf '[setup] ERROR: %s\n' "$*" >&2
  exit 1
}
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH: $2"; }

mkdir -p "$TOOLS"

# --- 1. Deno and npm packages ------------------------------------------------------------------
if command -v deno >/dev/null 2>&1; then
  DENO=(deno)
else
  need npx "install Node.js/npm, or Deno $DENO_VERSION"
  say "deno not on PATH: using 'npx -y deno@$DENO_VERSION'"
  DENO=(npx -y "deno@$DENO_VERSION")
fi
say "deno install ($("${DENO[@]}" --version | head -1))"
"${DENO[@]}" install >&2 || die "'deno install' failed"

if [[ "${DIGITKIT_SKIP_TENSORFLOW:-0}" == "1" ]]; then
  say "DIGITKIT_SKIP_TENSORFLOW=1: not building the tensorflow backend"
  exit 0
fi

[[ "$(uname -s)-$(uname -m)" == "Linux-x86_64" ]] ||
  die "the tensorflow backend build supports Linux x86_64 only (this is $(uname -s)-$(uname -m));
         set DIGITKIT_SKIP_TENSORFLOW=1 to use the wasm backend"

# --- 2. Locate tfjs-node -----------------------------------------------------------------------
[[ -e node_modules/@tensorflow/tfjs-node/package.json ]] ||
  die "node_modules/@tensorflow/tfjs-node missing after 'deno install' (is it in deno.json?)"
TFJS_NODE="$(cd -P node_modules/@tensorflow/tfjs-node && pwd)"
BINDING="$TFJS_NODE/lib/napi-v8/tfjs_binding.node"

# Prints one line on stdout when the backend loads and computes correctly; fails otherwise.
check_binding() {
  "${DENO[@]}" run --allow-all src/backend/tensorflow/check.ts
}

if [[ "$FORCE" == 0 && -f "$BINDING" && -e "$TFJS_NODE/deps/lib" ]] &&
  status="$(check_binding 2>/dev/null)"; then
  say "already built: $status"
  say "done in $(($(date +%s) - START)) s (rerun with --force to rebuild)"
  exit 0
fi

# --- 3. libtensorflow --------------------------------------------------------------------------
# Unpacks into $1 with layout lib/{libtensorflow*.so*} + include/tensorflow/c/...
fetch_from_google() {
  local dest="$1" url tarball
  url="https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-cpu-linux-x86_64-$TFJS_NODE_LIBTF_VERSION.tar.gz"
  tarball="$TOOLS/downloads/$(basename "$url")"
  command -v curl >/dev/null 2>&1 || return 1
  mkdir -p "$TOOLS/downloads"
  if [[ ! -s "$tarball" ]]; then
    say "trying tfjs-node's own libtensorflow download: $url"
    curl -fsSL --connect-timeout 5 --max-time 600 -o "$tarball.part" "$url" 2>/dev/null || {
      rm -f "$tarball.part"
      say "  not reachable"
      return 1
    }
    mv "$tarball.part" "$tarball"
  fi
  rm -rf "$dest.part" && mkdir -p "$dest.part"
  tar -xzf "$tarball" -C "$dest.part" || return 1
  mv "$dest.part" "$dest"
}

find_python() {
  local p
  # The project's venv first (it always has pip; a bare system python3 may not).
  for p in "${DIGITKIT_PYTHON:-}" "$TOOLS/venv/bin/python3" python3 python /usr/bin/python3; do
    [[ -n "$p" ]] || continue
    if command -v "$p" >/dev/null 2>&1 && "$p" -m pip --version >/dev/null 2>&1; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

fetch_from_wheel() {
  local dest="$1" py wheel
  py="$(find_python)" || die "no python with pip found: needed to fetch the tensorflow-cpu wheel"
  mkdir -p "$TOOLS/wheels"
  wheel="$(ls "$TOOLS/wheels/tensorflow_cpu-$TF_WHEEL_VERSION-"*.whl 2>/dev/null | head -1 || true)"
  if [[ -z "$wheel" ]]; then
    say "pip download tensorflow-cpu==$TF_WHEEL_VERSION (~270 MB, cached in .tools/wheels)"
    "$py" -m pip download --no-deps --only-binary=:all: --retries 1 --timeout 15 \
      --python-version "$TF_WHEEL_PYTHON" --platform "$TF_WHEEL_PLATFORM" \
      -d "$TOOLS/wheels" "tensorflow-cpu==$TF_WHEEL_VERSION" >&2 ||
      die "pip could not download tensorflow-cpu==$TF_WHEEL_VERSION"
    wheel="$(ls "$TOOLS/wheels/tensorflow_cpu-$TF_WHEEL_VERSION-"*.whl | head -1)"
  else
    say "using cached wheel $(basename "$wheel")"
  fi
  say "unpacking libtensorflow_cc + libtensorflow_framework + C headers from the wheel"
  rm -rf "$dest.part" && mkdir -p "$dest.part"
  "$py" - "$wheel" "$dest.part" <<'PY' || die "could not unpack $wheel"
import os, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
libs = {"tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2"}
# The C API headers and what they include (tstring, tsl status); nothing C++-heavy.
header_dirs = ("tensorflow/include/tensorflow/c/", "tensorflow/include/tensorflow/core/platform/",
               "tensorflow/include/tsl/platform/", "tensorflow/include/tsl/c/",
               "tensorflow/include/xla/tsl/c/", "tensorflow/include/xla/tsl/platform/")
found = set()
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        name = info.filename
        if name in libs:
            target = os.path.join(dest, "lib", os.path.basename(name))
            found.add(name)
        elif name.startswith(header_dirs) and name.endswith(".h"):
            target = os.path.join(dest, "include", name[len("tensorflow/include/"):])
        else:
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, "wb") as out:
            while chunk := src.read(1 << 22):
                out.write(chunk)
missing = libs - found
if missing:
    sys.exit(f"wheel lacks {sorted(missing)}")
PY
  # binding.gyp links -ltensorflow -ltensorflow_framework; the .node then records the sonames.
  ln -sf libtensorflow_cc.so.2 "$dest.part/lib/libtensorflow.so"
  ln -sf libtensorflow_framework.so.2 "$dest.part/lib/libtensorflow_framework.so"
  basename "$wheel" >"$dest.part/SOURCE"
  mv "$dest.part" "$dest"
}

DOWNLOADED="$TOOLS/libtensorflow-download-$TFJS_NODE_LIBTF_VERSION"
FROM_WHEEL="$TOOLS/libtensorflow-wheel-$TF_WHEEL_VERSION"
case "$LIBTF_SOURCE" in
  auto) candidates=("$DOWNLOADED" "$FROM_WHEEL") ;;
  download) candidates=("$DOWNLOADED") ;;
  wheel) candidates=("$FROM_WHEEL") ;;
  *) die "DIGITKIT_LIBTF_SOURCE must be auto, download or wheel; got '$LIBTF_SOURCE'" ;;
esac
LIBTF=""
for candidate in "${candidates[@]}"; do
  if [[ -d "$candidate/lib" ]]; then
    LIBTF="$candidate"
    say "using unpacked libtensorflow in ${LIBTF#"$ROOT"/}"
    break
  fi
done
if [[ -z "$LIBTF" ]]; then
  if [[ "$LIBTF_SOURCE" != "wheel" ]] && fetch_from_google "$DOWNLOADED"; then
    LIBTF="$DOWNLOADED"
  elif [[ "$LIBTF_SOURCE" == "download" ]]; then
    die "libtensorflow download failed and DIGITKIT_LIBTF_SOURCE=download"
  else
    LIBTF="$FROM_WHEEL"
    fetch_from_wheel "$LIBTF"
  fi
fi
[[ -f "$LIBTF/include/tensorflow/c/c_api.h" ]] || die "$LIBTF has no include/tensorflow/c/c_api.h"

# --- 4. Link deps/ and build the binding ---------------------------------------------------------
rm -rf "$TFJS_NODE/deps"
ln -sr "$LIBTF" "$TFJS_NODE/deps"
say "linked ${TFJS_NODE#"$ROOT"/}/deps -> ${LIBTF#"$ROOT"/}"

need node "install Node.js (apt: nodejs npm), needed to build the binding with node-gyp"
need npx "install npm (apt: npm)"
need make "install make (apt: make)"
need g++ "install a C++ compiler (apt: g++)"
NODEDIR_ARGS=()
if [[ -n "${npm_config_nodedir:-}" ]]; then
  NODEDIR_ARGS=(--nodedir="$npm_config_nodedir")
elif [[ -f /usr/include/node/node_api.h && -f /usr/include/node/common.gypi ]]; then
  NODEDIR_ARGS=(--nodedir=/usr) # Debian's nodejs ships the headers: no download
fi
say "building tfjs_binding.node with node-gyp@$NODE_GYP_VERSION ${NODEDIR_ARGS[*]}"
(
  cd "$TFJS_NODE"
  rm -rf build lib
  nice -n 10 npx -y "node-gyp@$NODE_GYP_VERSION" rebuild "${NODEDIR_ARGS[@]}" \
    --napi_build_version=8 --module_name=tfjs_binding --module_path="$TFJS_NODE/lib/napi-v8" \
    >"$TOOLS/node-gyp.log" 2>&1
) || {
  tail -30 "$TOOLS/node-gyp.log" >&2
  die "node-gyp build failed (full log: .tools/node-gyp.log)"
}
[[ -f "$BINDING" ]] || die "node-gyp finished but $BINDING is missing"
say "built ${BINDING#"$ROOT"/}"

status="$(check_binding)" || die "the tensorflow backend was built but does not work (see above)"
say "$status"
say "done in $(($(date +%s) - START)) s"
