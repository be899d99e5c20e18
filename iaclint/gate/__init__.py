"""The door between iaclint and the file system. The scanned tree is hostile, so what is
read from it and written because of it goes through here.

It imports nothing from iaclint: every other layer may import it.
"""
