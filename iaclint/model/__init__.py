"""The model and the value domain: what every layer shares and no layer owns.

`resource` (spans, raw and canonical resources), `project` (all resources of a scan and
the reference graph), `finding` (a reportable result and its fingerprint); `unknown` (the
value of what cannot be known statically, with what is known of it), `symbolic` (the
value domain both front ends build values with, and the three-valued questions policies
ask of values; `symbolic_text` reads its strings as text and holes), `strings` (sets of strings as token sequences: overlap and glob coverage,
exact and bounded), `holes_json` (JSON text with holes), `unknown_globs`
(an unknown name as a glob), `paths` (attribute paths through dicts and lists),
`documents` (JSON documents in any written form), `sizes` (how big a value may grow),
`linear_regex` (RE2, for every pattern that comes from the scanned tree), `lazy_re`
(module-level patterns compiled on first use) and `records`
(the `@dataclass` every layer uses: the standard library's behaviour at a third of its
start-up cost).

It imports nothing from iaclint but itself: every other layer may import it.
"""
