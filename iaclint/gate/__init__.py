"""The door between iaclint and the file system. The scanned tree is hostile, so what is
read from it and written because of it goes through here (docs/security.md):

- `reads`: the read gate (`Tree.of(paths)`, `read_bytes(path, tree=...)`): inside the
  scanned tree, a regular file, under a size cap, no symlink out;
- `writes`: the write gate (`write_file(path, data, tree=...)`): never through a committed
  symlink, never out of the tree by a symlinked directory or a path from its configuration;
- `text`: text from the tree made inert for reports and messages (`inert`, `inert_path`);
- `files`: digests of what was read (the cache keys a result on them).

It imports nothing from iaclint: every other layer may import it.
"""
