#!/usr/bin/env bash
# Fails unless the engine (crates/engine, the dr-schedule-engine crate) is pure: no JavaScript,
# no clock, no randomness, no I/O. Run by scripts/test.sh; the README and docs/ARCHITECTURE.md
# promise this.
#
# 1. Its dependencies, as built for wasm32-unknown-unknown: the direct ones are exactly serde
#    and serde_json (serialization for Rust callers; the engine reads and writes its JSON
#    itself); nothing in the tree is wasm-bindgen (or one of its crates), js-sys, web-sys or
#    getrandom, nor chrono (the engine counts its own days, without a clock).
# 2. Its sources (comments aside): no std::time, SystemTime, Instant, std::fs, std::net,
#    std::env, std::process, std::io, std::thread, rand, getrandom, wasm_bindgen, js_sys,
#    web_sys, Utc::now / Local::now, and no print!/println!/eprint!/eprintln!/dbg!.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

engine=dr-schedule-engine
target=wasm32-unknown-unknown
failed=0
fail() {
  echo "check-engine-purity: $*" >&2
  failed=1
}

# ----- 1. dependencies -----

tree() { cargo tree --quiet -e normal,build --target "$target" --prefix none "$@"; }

direct=$(tree -p "$engine" --depth 1 --format '{p}' | awk 'NR > 1 { print $1 }' | sort -u | tr '\n' ' ')
allowed="serde serde_json "
if [ "$direct" != "$allowed" ]; then
  fail "the engine's direct dependencies are [${direct% }], not [${allowed% }]"
fi

forbidden=$(tree -p "$engine" --format '{p}' | awk '{ print $1 }' | sort -u |
  grep -E '^(wasm-bindgen(-[a-z-]+)?|js-sys|web-sys|getrandom|chrono)$' || true)
if [ -n "$forbidden" ]; then
  fail "the engine's dependency tree for $target holds: $(echo "$forbidden" | tr '\n' ' ')"
fi

# ----- 2. sources -----

# Each line with its comment cut off (`// …` to the end of the line; doc comments included).
hits=$(find crates/engine/src -name '*.rs' -print0 | sort -z | xargs -0 perl -ne '
  my $code = $_;
  $code =~ s{//.*$}{};
  print "$ARGV:$.: $_" if $code =~ m{
      \bstd\s*::\s*(?:time|fs|net|env|process|io|thread)\b
    | \b(?:SystemTime|Instant)\b
    | \b(?:rand|rand_core|getrandom|wasm_bindgen|js_sys|web_sys)\b
    | \b(?:Utc|Local)\s*::\s*now\b
    | \b(?:e?print(?:ln)?|dbg)\s*!
  }x;
  close ARGV if eof;
' || true)
if [ -n "$hits" ]; then
  fail "the engine's sources reach for a clock, randomness, I/O or JavaScript:"
  echo "$hits" >&2
fi

if [ "$failed" -ne 0 ]; then
  exit 1
fi
echo "[purity] $engine: dependencies $allowed(none of wasm-bindgen, js-sys, web-sys, getrandom, chrono), sources without clock, randomness, I/O or JS"
