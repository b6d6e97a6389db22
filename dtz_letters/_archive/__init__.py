"""Stage 5, the archive: final letters as PDF/A-2a with MDTO sidecars, their attachments and
sources, and a register; and ``verify``, which checks all of it.

Layout, under the archive root (default ``output/archief/`` in the workspace)::

    register.sqlite                      one row per archived file version
    .lock                                held while a letter is checked and written
    .pending.json                        the journal of a store in progress (see .journal)
    <gemeente>/<year>/<identificatie>/
        <id>.mdto.xml                    informatieobject of the letter (version 1)
        <id>.pdf                         the letter, PDF/A-2a (+ .bestand.mdto.xml)
        <id>_bijlage-<n>.<ext>           an attachment with a file (+ .bestand.mdto.xml)
        <id>_bron.mdto.xml               informatieobject of the letter's sources
        <id>_brief.yaml                  the letter source it was rendered from (+ sidecar)
        <id>_profiel.yaml                the profile it was rendered with (+ sidecar)
        <id>_v2.mdto.xml, <id>_v2.pdf, ...   version 2, beside version 1

Modules: :mod:`.names` (identities and file names, and why they never collide),
:mod:`.register` (register, lock, digests), :mod:`.journal` (interrupted runs),
:mod:`.policy` (what may be archived, with which settings), :mod:`.mdto` and
:mod:`.metadata` (the sidecars), :mod:`.identify` (formats and checksums), :mod:`.store` (one
version), :mod:`.run` (the command), :mod:`.verify`.
"""
