"""The faces users meet: the `iaclint` command line (`cli`), the Language Server (`lsp`),
`settings`, which turns flags and the configuration file into one scan's options, and
the faces iaclint shows inside Checkov: `export` writes the policies as Checkov external
checks, `checkov_bridge` answers them inside Checkov's process (the one module that
imports Checkov, and only there).

A face parses what the user asked for, calls `iaclint.api`, picks a formatter and maps
the result to an exit code; it holds no scanning logic of its own. Faces may import
every layer below them; nothing imports a face.
"""
