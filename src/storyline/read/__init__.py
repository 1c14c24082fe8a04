"""READ: files, folders, JSONL, HTML pages, WARC archives and feeds, as raw documents."""
