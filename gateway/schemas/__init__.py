"""The HTTP contract's schemas (README.md, "API"; docs/architecture.md, "OpenAPI document"), one module per
module of gateway/routes/ and `common` for what they share; the OpenAPI document is generated from them."""
