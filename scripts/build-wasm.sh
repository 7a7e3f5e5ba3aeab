#!/usr/bin/env bash
# Builds the browser search module, themes/default/static/search/medkb_search.wasm
# (and its xz copy, medkb_search.wasm.xz), from search-index/wasm (search-index compiled to wasm32 with a C ABI).
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
rm -rf "$SRC/search-index/target" "$SRC/search-index/wasm/target" "$SRC/search-index/wasm/vendor"

# Tantivy for the browser: the published crate with the patches in
# search-index/wasm/patches applied (see the README there). The .crate comes
# from cargo's cache, fetched for the root Cargo.lock and checked against its
# checksum, so the patched source is the same on every machine.
TANTIVY_VERSION="$(awk '/^name = "tantivy"$/{getline; print $3; exit}' "$ROOT/Cargo.lock" | tr -d '"')"
TANTIVY_SUM="$(awk -v v="\"$TANTIVY_VERSION\"" '/^name = "tantivy"$/{getline; if ($3 == v) {getline; getline; print $3; exit}}' "$ROOT/Cargo.lock" | tr -d '"')"
(cd "$ROOT" && cargo fetch --locked >&2)
crate_file="$(ls "$CARGO_HOME_DIR"/registry/cache/*/"tantivy-$TANTIVY_VERSION.crate" 2>/dev/null | head -1)"
if [ -z "$crate_file" ] || [ "$(sha256sum "$crate_file" | cut -d' ' -f1)" != "$TANTIVY_SUM" ]; then
  echo "error: tantivy-$TANTIVY_VERSION.crate is missing from cargo's cache or does not match Cargo.lock" >&2
  exit 1
fi
mkdir -p "$CRATE/vendor"
tar -xzf "$crate_file" -C "$CRATE/vendor"
mv "$CRATE/vendor/tantivy-$TANTIVY_VERSION" "$CRATE/vendor/tantivy"
for p in "$ROOT"/search-index/wasm/patches/*.patch; do
  (cd "$CRATE/vendor/tantivy" && git apply -p1 "$p") || { echo "error: $p does not apply to tantivy-$TANTIVY_VERSION" >&2; exit 1; }
done
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

# The xz copy the browser fetches (inflated by the small xz decoder shipped
# beside it, xz-decompress.min.js): plain static hosts often send .wasm
# uncompressed, and the module is most of what a first search downloads.
# xz -9e makes it ~30% smaller than gzip -9 (LZMA's large window suits the
# module's repetitive code). CRC32 check: the decoder supports it.
xz_copy() {
  python3 -c 'import lzma,sys; sys.stdout.buffer.write(lzma.compress(open(sys.argv[1],"rb").read(), format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32, preset=9 | lzma.PRESET_EXTREME))' "$1"
}

if [ "$check" = 1 ]; then
  # The .xz copy is checked by content (liblzma versions may differ in bytes).
  if cmp -s "$built" "$SHIPPED" && python3 -c 'import lzma,sys; sys.exit(lzma.open(sys.argv[1]).read() != open(sys.argv[2],"rb").read())' "$SHIPPED.xz" "$built"; then
    echo "ok: $SHIPPED (and .xz) match the source ($size bytes)"
  else
    echo "error: $SHIPPED is not the build of the current source." >&2
    echo "       shipped: $(wc -c <"$SHIPPED" 2>/dev/null || echo missing) bytes, rebuilt: $size bytes" >&2
    echo "       Run scripts/build-wasm.sh and commit the result." >&2
    exit 1
  fi
else
  mkdir -p "$(dirname "$SHIPPED")"
  cp "$built" "$SHIPPED"
  xz_copy "$built" >"$SHIPPED.xz"
  echo "wrote $SHIPPED ($size bytes) and $SHIPPED.xz ($(wc -c <"$SHIPPED.xz") bytes)"
fi
