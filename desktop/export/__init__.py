"""Exports of a filled form: the sealed-ready PDF (``desktop.export.pdf``) and Excel / email.

Nothing is imported here, so that ``import desktop.export.pdf`` pays only for ReportLab.
"""
