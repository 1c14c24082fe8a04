"""READ: files, folders, JSONL, HTML pages, WARC archives and feeds, as raw documents.

- :mod:`~storyline.read.inputs`: paths (files, folders, ``-``) into raw documents, streaming;
  :func:`read_inputs` is the stage's entry.
- :mod:`~storyline.read.files`: one file's bytes as text (limits, byte-order marks, encodings).
- :mod:`~storyline.read.jsonl`: JSONL lines in the agreed shape.
- :mod:`~storyline.read.pages`: HTML pages before cleaning: their charset and declared language.
- :mod:`~storyline.read.warc`: web archives, a record at a time.
- :mod:`~storyline.read.feeds`: RSS and Atom feeds and the pages they link to, fetched politely.

Nothing here judges content: what cannot be read becomes a ``ReadFailure`` with its reason.
"""

from storyline.read.inputs import Input, ReadResult, read_inputs

__all__ = ["Input", "ReadResult", "read_inputs"]
