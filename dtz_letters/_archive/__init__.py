"""Stage 5, the archive: final letters as PDF/A-2a with MDTO sidecars, their sources, and a
register; and ``verify``, which checks all of it.

Layout, under the archive root (default ``output/archief/`` in the workspace)::

    register.sqlite                      one row per archived file version
    .lock                                held while a letter is checked and written
    <gemeente>/<year>/<identificatie>/
        <identificatie>.mdto.xml                     informatieobject (version 1)
        <identificatie>.pdf                          the letter, PDF/A-2a
        <identificatie>.pdf.bestand.mdto.xml
        <identificatie>-brief.yaml                   the letter source it was rendered from
        <identificatie>-brief.yaml.bestand.mdto.xml
        <identificatie>-profiel.yaml                 the profile it was rendered with
        <identificatie>-profiel.yaml.bestand.mdto.xml
        <identificatie>-v2.mdto.xml, <identificatie>-v2.pdf, ...   version 2, beside version 1

Modules: :mod:`.names` (identities and file names), :mod:`.register` (register and lock),
:mod:`.journal` (interrupted runs), :mod:`.policy` (what may be archived), :mod:`.mdto` and
:mod:`.metadata` (the sidecars), :mod:`.identify` (formats and checksums), :mod:`.store` (one
version), :mod:`.run` (the command), :mod:`.verify`.
"""
