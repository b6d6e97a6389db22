"""Stage 4, render: a ``Brief`` in a municipality's house style to the bytes of one format.

Formats are registered in :mod:`.registry` (name, file suffix, media type, the module that
renders); a renderer module is imported on first use, since WeasyPrint and docxtpl are slow to
import and a run may need neither.
"""
