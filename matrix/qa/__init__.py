"""The QA run: every target of ``targets.yaml`` in a real browser against a live server.

- ``targets``: the run definition (targets, accessibility pages, shards)
- ``engines``: finding and driving Chromium, Firefox and WebKit (Playwright, W3C WebDriver)
- ``server``: ``python -m webapp serve`` as a subprocess on a free port
- ``runner``: the jobs, their checks and axe-core
- ``results``: JUnit, JSON and HTML outputs, merging shards

``browsercheck matrix run`` drives it. Unlike :mod:`matrix` (the policy, pure), this package
starts processes and browsers; nothing in the policy imports it.
"""
