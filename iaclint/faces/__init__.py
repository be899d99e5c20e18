"""The faces users meet: the `iaclint` command line (`cli`), the Language Server (`lsp`)
and `settings`, which turns flags and the configuration file into one scan's options.

A face parses what the user asked for, calls `iaclint.api`, picks a formatter and maps
the result to an exit code; it holds no scanning logic of its own. Faces may import
every layer below them; nothing imports a face.
"""
