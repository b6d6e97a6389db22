"""Build-time tools (``make templates``): the Word template and the neutral wordmarks.

Nothing at run time imports these; what the renderer shares with them lives in the render
stage (:mod:`dtz_letters._render.docx_layout`)."""
