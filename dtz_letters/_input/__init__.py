"""Stage 1, input: safe YAML with a source map, the letter and profile models, loading with
located problems, and the workspace (where profiles and house styles are found)."""
