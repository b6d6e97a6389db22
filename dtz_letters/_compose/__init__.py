"""Stage 2, compose: a letter and a profile resolved into one ``Brief`` for one municipality,
with its body parsed from Markdown into the neutral block model both renderers draw."""
