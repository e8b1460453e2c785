#!/bin/bash -eu
# Builds every fuzz target of fuzz/ into $OUT, each with its seed corpus
# ($OUT/<target>_seed_corpus.zip: fuzz/seeds/<target> and fuzz/regressions/<target>).
#
# ClusterFuzzLite and OSS-Fuzz run it inside their builder image, whose cargo is nightly.
# It also runs directly, without Docker: the checkout must be $SRC/idjwt, and cargo must be
# nightly with cargo-fuzz installed, e.g.
#   mkdir -p /tmp/src /tmp/out && ln -s "$PWD" /tmp/src/idjwt
#   RUSTUP_TOOLCHAIN=nightly SRC=/tmp/src OUT=/tmp/out bash .clusterfuzzlite/build.sh

cd "$SRC/idjwt"
# Debug assertions on: an arithmetic overflow is a finding too.
cargo fuzz build --release --debug-assertions
triple=$(rustc -vV | sed -n 's/^host: //p')
for source in fuzz/fuzz_targets/*.rs; do
  target=$(basename "$source" .rs)
  cp "fuzz/target/$triple/release/$target" "$OUT/"
  python3 - "$OUT/${target}_seed_corpus.zip" "fuzz/seeds/$target" "fuzz/regressions/$target" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for folder in sys.argv[2:]:
        if os.path.isdir(folder):
            for name in sorted(os.listdir(folder)):
                z.write(os.path.join(folder, name), arcname=name)
PY
done
