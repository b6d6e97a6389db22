"""The front door ``publish``: final letters ready for the Woo (Wet open overheid).

Layout, under the publication root (default ``output/woo/`` in the workspace)::

    .publicaties.json                    which letter file each publication folder belongs to
    <gemeente>/
        sitemap.xml                      the Woo-index sitemap: every letter in this folder
        <identificatie>/                 one published letter (the archive's identity)
            <id>.pdf                     the letter, the published PDF/UA (not the PDF/A)
            <id>_bijlage-<n>.<ext>       an attachment that names a file (n: its place)
            <id>.diwoo.xml               one diwoo:Document (DiWoo 0.9.8), written last

A municipality serves ``<gemeente>/`` at the ``publicatie.basis_url`` of its profile.

Modules: :mod:`.schema` (the DiWoo schema compiled offline, its value lists),
:mod:`.validate` (judging documents and sitemaps), :mod:`.settings` (what the profile says),
:mod:`.diwoo` (one document), :mod:`.sitemap` (one municipality's sitemap), :mod:`.run`
(the command).
"""
