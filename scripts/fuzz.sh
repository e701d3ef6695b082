#!/usr/bin/env bash
# Fuzzes the engine (fuzz/, cargo-fuzz + libFuzzer): installs cargo-fuzz if missing, builds the
# targets, then for each target replays the checked-in corpus (fuzz/corpus/<target>: seeds and
# every crash found so far) and fuzzes it for a bounded time. New corpus entries go to a scratch
# directory, never to fuzz/corpus, so a run leaves the work tree clean.
#
#   FUZZ_SECONDS=60     fuzzing time per target, after the replay (0: replay only)
#   FUZZ_TARGETS="..."  which targets (default: all three)
#   FUZZ_SCRATCH=dir    where new corpus entries go (default: fuzz/target/scratch-corpus, ignored
#                       by git and kept between runs on one machine, so later runs start richer)
#
# Exits non-zero if any input crashes (panics, times out or runs out of memory), after printing
# the crashing input's path (fuzz/artifacts/<target>/crash-…). Reproduce one with
#   cargo +nightly fuzz run -s none <target> fuzz/artifacts/<target>/crash-…
# and keep it: copy it into fuzz/corpus/<target>/ so that every later run replays it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

seconds="${FUZZ_SECONDS:-60}"
targets="${FUZZ_TARGETS:-from_snapshot snapshot_mutations operations}"
scratch="${FUZZ_SCRATCH:-$here/fuzz/target/scratch-corpus}"
# No sanitizer: the crate forbids `unsafe`, so ASan has nothing of ours to check, and without it
# the targets run 10-20 times faster. Debug assertions (overflow checks) stay on.
build_flags=(-s none)
# libFuzzer flags for every run: an input that takes over 10 s is a hang (a crash), and so is
# one that needs over 2 GiB. Quiet: only crashes and the final statistics are printed.
common=(-timeout=10 -rss_limit_mb=2048 -verbosity=0 -print_final_stats=1)

step() { printf '\n==> %s\n' "$*"; }
now() { date +%s; }

step "toolchain"
if ! cargo +nightly --version >/dev/null 2>&1; then
    # These machines come with one; install it where one is missing.
    rustup toolchain install nightly --profile minimal || {
        echo "fuzz.sh: cargo-fuzz needs a nightly toolchain (rustup toolchain install nightly)" >&2
        exit 1
    }
fi
cargo +nightly --version
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
cargo fuzz --version

step "build the fuzz targets"
t0=$(now)
cargo +nightly fuzz build "${build_flags[@]}"
echo "build: $(($(now) - t0)) s"

failed=()
declare -A timing
for target in $targets; do
    corpus="fuzz/corpus/$target"
    artifacts="fuzz/artifacts/$target"
    mkdir -p "$artifacts" "$scratch/$target"
    extra=()
    if [[ "$target" == from_snapshot ]]; then
        extra=(-dict=fuzz/dicts/snapshot.dict)
    fi
    marker="$(mktemp)"   # artifacts newer than this one are this run's
    t0=$(now)

    step "$target: replay $corpus ($(find "$corpus" -type f | wc -l) inputs)"
    if ! cargo +nightly fuzz run "${build_flags[@]}" "$target" "$corpus" -- \
        -runs=0 "${common[@]}" "${extra[@]}"; then
        failed+=("$target (replaying $corpus)")
    elif [[ "$seconds" -gt 0 ]]; then
        step "$target: fuzz for $seconds s (new corpus entries in $scratch/$target)"
        # The first directory receives new entries; the checked-in corpus is only read.
        if ! cargo +nightly fuzz run "${build_flags[@]}" "$target" "$scratch/$target" "$corpus" -- \
            -max_total_time="$seconds" "${common[@]}" "${extra[@]}"; then
            failed+=("$target (fuzzing)")
        fi
    fi
    timing[$target]=$(($(now) - t0))
    new_artifacts=$(find "$artifacts" -type f -newer "$marker" | sort)
    rm -f "$marker"
    if [[ -n "$new_artifacts" ]]; then
        echo
        echo "CRASH in $target; the input is in:"
        sed 's/^/    /' <<<"$new_artifacts"
        echo "reproduce: cargo +nightly fuzz run -s none $target <that file>"
    fi
done

step "summary"
for target in $targets; do
    echo "$target: ${timing[$target]} s"
done
echo "new corpus entries: $scratch"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo
    echo "fuzz.sh: crashes in: ${failed[*]}" >&2
    echo "inputs under fuzz/artifacts/ (listed above); once fixed, copy each into fuzz/corpus/<target>/" >&2
    exit 1
fi
echo "no crashes"
