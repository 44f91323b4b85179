"""Pure page parsers, one file per publisher (fundus style).

Each file holds one class per layout variant; each field is read by a small named method.
A newcomer looking for where a site's headline is read opens ``sites/<site>.py`` and finds
``def headline``.
"""
