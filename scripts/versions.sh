# Pinned tool versions, sourced by the other scripts. WASM_BINDGEN_VERSION must equal the
# `wasm-bindgen = "=…"` pin in Cargo.toml: wasm-pack refuses a CLI of any other version.
WASM_PACK_VERSION=0.15.1
WASM_BINDGEN_VERSION=0.2.130
