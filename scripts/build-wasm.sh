#!/usr/bin/env bash
# Builds the browser search module, themes/default/static/search/medkb_search.wasm
# (and its gzip copy, medkb_search.wasm.gz), from search-index/wasm (search-index compiled to wasm32 with a C ABI).
#
#   scripts/build-wasm.sh           rebuild and replace the shipped module
#   scripts/build-wasm.sh --check   rebuild in a scratch place and fail if the
#                                   shipped module differs (for CI)
#
# Why the module is committed: `medkb serve` on a fresh machine must work
# without a wasm toolchain. Why --check: CI proves the committed bytes come
# from the current source. For that the build is made reproducible:
#   * a pinned toolchain (TOOLCHAIN below; rustup installs it on demand),
#   * the committed search-index/wasm/Cargo.lock (--locked),
#   * every machine-specific path remapped (checkout, cargo home, target dir),
#   * no debug info, one codegen unit, LTO, stripped, no incremental.
# Needs: rustup. Nothing else (no wasm-bindgen, no wasm-opt: it made the
# module bigger after brotli).
set -euo pipefail

TOOLCHAIN="1.95.0"
TARGET="wasm32-unknown-unknown"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Cargo hashes a path dependency's location into its symbol names, which changes
# the module's bytes (not its size) from one checkout folder to another. So the
# sources are built from a copy at one fixed path, the same on every machine.
SRC="/tmp/medkb-wasm-src"
CRATE="$SRC/search-index/wasm"
SHIPPED="$ROOT/themes/default/static/search/medkb_search.wasm"
CARGO_HOME_DIR="${CARGO_HOME:-$HOME/.cargo}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/medkb-search-wasm"

check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

# The pinned toolchain is usually the machine's own (rustup links 1.95.0 to
# stable there); only the wasm32 standard library may be missing. Add just that,
# and install a whole toolchain only when the pinned one is not there at all.
libdir() { rustup run "$TOOLCHAIN" rustc --print target-libdir --target "$TARGET" 2>/dev/null; }
if ! rustup run "$TOOLCHAIN" rustc --version >/dev/null 2>&1; then
  rustup toolchain install "$TOOLCHAIN" --profile minimal --target "$TARGET" >&2
elif [ ! -d "$(libdir)" ]; then
  rustup target add "$TARGET" --toolchain "$TOOLCHAIN" >&2 \
    || rustup target add "$TARGET" >&2
fi

# \x1f-separated so paths with spaces survive.
flags=(
  "--cfg" "getrandom_backend=\"unsupported\""
  "--remap-path-prefix=$SRC=/medkb"
  "--remap-path-prefix=$CARGO_HOME_DIR=/cargo"
  "--remap-path-prefix=$TARGET_DIR=/target"
  "-Cdebuginfo=0"
)
encoded="$(printf '%s\x1f' "${flags[@]}")"
encoded="${encoded%$'\x1f'}"

exec 9>"$SRC.lock"
flock 9 2>/dev/null || true
rm -rf "$SRC"
mkdir -p "$SRC"
cp -r "$ROOT/search-index" "$SRC/search-index"
rm -rf "$SRC/search-index/target" "$SRC/search-index/wasm/target"
(
  cd "$CRATE"
  env -u RUSTFLAGS -u CARGO_BUILD_RUSTFLAGS -u RUSTC_WRAPPER \
    CARGO_ENCODED_RUSTFLAGS="$encoded" \
    SOURCE_DATE_EPOCH=0 \
    rustup run "$TOOLCHAIN" cargo build --release --locked \
      --target "$TARGET" --target-dir "$TARGET_DIR" >&2
)

built="$TARGET_DIR/$TARGET/release/medkb_search_wasm.wasm"
size=$(wc -c <"$built")

# The gzip copy the browser fetches (inflated with DecompressionStream): plain
# static hosts and file servers often send .wasm uncompressed, and the module
# is most of a first search's download. Python's gzip with mtime 0 and level 9
# gives the same bytes on every machine with the same zlib.
gzip_copy() {
  python3 -c 'import gzip,sys; sys.stdout.buffer.write(gzip.compress(open(sys.argv[1],"rb").read(), 9, mtime=0))' "$1"
}

if [ "$check" = 1 ]; then
  # The .gz copy is checked by content (zlib versions may differ in bytes).
  if cmp -s "$built" "$SHIPPED" && python3 -c 'import gzip,sys; sys.exit(gzip.open(sys.argv[1]).read() != open(sys.argv[2],"rb").read())' "$SHIPPED.gz" "$built"; then
    echo "ok: $SHIPPED (and .gz) match the source ($size bytes)"
  else
    echo "error: $SHIPPED is not the build of the current source." >&2
    echo "       shipped: $(wc -c <"$SHIPPED" 2>/dev/null || echo missing) bytes, rebuilt: $size bytes" >&2
    echo "       Run scripts/build-wasm.sh and commit the result." >&2
    exit 1
  fi
else
  mkdir -p "$(dirname "$SHIPPED")"
  cp "$built" "$SHIPPED"
  gzip_copy "$built" >"$SHIPPED.gz"
  echo "wrote $SHIPPED ($size bytes) and $SHIPPED.gz ($(wc -c <"$SHIPPED.gz") bytes)"
fi
