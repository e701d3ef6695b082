# Pinned tool versions, sourced by the other scripts. WASM_BINDGEN_VERSION must equal the
# `wasm-bindgen = "=…"` pin in Cargo.toml: the CLI refuses a module built by any other version.
WASM_BINDGEN_VERSION=0.2.130
