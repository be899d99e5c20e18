"""Record classes at a fraction of the start-up cost of `dataclasses`: the subset iaclint uses.

`@dataclass` spends about 0.5-1 ms per class when the module is imported: it compiles
each generated method from source in its own `exec`, inspects every annotation and
imports `inspect`. A one-file scan defines about 60 records, a third of its time. This
`dataclass` builds the same `__init__` (one small `exec`), and `__repr__`, `__eq__`,
`__hash__`, the order methods and the frozen `__setattr__` from shared functions over a
C `attrgetter` of the fields, with no compilation. Instances behave as the standard
library's do: the same constructor signature, defaults and factories, repr text,
equality, hashing, immutability (`FrozenInstanceError`, an `AttributeError`), ordering,
`__slots__`, `__match_args__` and pickling (the instance dictionary, or the slots).

For code that uses the standard library's helpers on a record (`dataclasses.fields`,
`replace`, `asdict`, `is_dataclass`: library users, tests), each record also has the
standard `__dataclass_fields__`, built (and `dataclasses` imported) on first use.

Supported: `@dataclass` and `@dataclass(frozen=, order=, slots=, unsafe_hash=, eq=)`,
fields annotated in the class body (no inheritance between records; `ClassVar` fields
are skipped), `field(default=, default_factory=, repr=, compare=)`, and the helpers
`fields(cls_or_instance)` (objects with `.name`), `replace(obj, **changes)` and
`is_dataclass(obj)`. Anything
else raises `TypeError` when the class is defined, so a record cannot silently differ.
"""
from __future__ import annotations

from _thread import get_ident
from operator import attrgetter

__all__ = ["FrozenInstanceError", "dataclass", "field", "fields", "is_dataclass", "replace"]

_MISSING = object()
_FIELDS = "__record_fields__"


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record."""


class Field:
    """One field: its name, default (or factory) and whether repr and equality use it."""

    __slots__ = ("name", "default", "default_factory", "repr", "compare")

    def __init__(self, default=_MISSING, default_factory=_MISSING, repr=True, compare=True):  # noqa: A002
        if default is not _MISSING and default_factory is not _MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.compare = compare

    def __repr__(self) -> str:
        return f"Field(name={self.name!r})"


def field(*, default=_MISSING, default_factory=_MISSING, repr=True, compare=True):  # noqa: A002
    """A field with a default factory (`field(default_factory=list)`) or left out of repr
    or equality; as `dataclasses.field`."""
    return Field(default, default_factory, repr, compare)


def fields(class_or_instance) -> tuple:
    """The fields, in order (each has `.name`)."""
    try:
        return getattr(class_or_instance, _FIELDS)
    except AttributeError:
        raise TypeError("must be called with a record type or instance") from None


def is_dataclass(obj) -> bool:
    """Is `obj` a record class or instance?"""
    return hasattr(obj if isinstance(obj, type) else type(obj), _FIELDS)


def replace(obj, /, **changes):
    """A copy of `obj` with some fields changed, made by its `__init__` (as `dataclasses.replace`)."""
    for f in getattr(obj, _FIELDS):
        if f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)


class _StandardFields:
    """`__dataclass_fields__` on first read: `dataclasses.Field`s equal to the record's, so
    the standard library's helpers accept a record as one of theirs."""

    def __get__(self, instance, owner):
        import dataclasses

        standard = {}
        annotations = owner.__dict__.get("__annotations__", {})
        for f in getattr(owner, _FIELDS):
            kwargs = {"repr": f.repr, "compare": f.compare}
            if f.default is not _MISSING:
                kwargs["default"] = f.default
            if f.default_factory is not _MISSING:
                kwargs["default_factory"] = f.default_factory
            one = dataclasses.field(**kwargs)
            one.name, one.type = f.name, annotations.get(f.name)
            one._field_type = dataclasses._FIELD  # what `dataclasses.fields` keeps
            standard[f.name] = one
        type.__setattr__(owner, "__dataclass_fields__", standard)  # built once per class
        return standard


def dataclass(cls=None, /, *, eq=True, frozen=False, order=False, unsafe_hash=False, slots=False):
    """Make `cls` a record: see the module docstring."""

    def wrap(cls):
        return _process(cls, eq, frozen, order, unsafe_hash, slots)

    return wrap if cls is None else wrap(cls)


def _is_class_var(annotation) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return text.startswith(("ClassVar", "typing.ClassVar")) or text == "ClassVar"


def _process(cls, eq, frozen, order, unsafe_hash, slots):
    own = cls.__dict__
    if any(hasattr(base, _FIELDS) for base in cls.__mro__[1:]):
        raise TypeError(f"{cls.__name__}: a record cannot inherit from a record")
    if order and not eq:
        raise ValueError("eq must be true if order is true")
    found = []
    for name, annotation in own.get("__annotations__", {}).items():
        if _is_class_var(annotation):
            continue
        value = own.get(name, _MISSING)
        f = value if isinstance(value, Field) else Field(default=value)
        f.name = name
        if isinstance(f.default, (list, dict, set)):
            raise ValueError(f"mutable default {type(f.default)} for field {name} is not allowed: use default_factory")
        found.append(f)
    seen_default = False
    for f in found:
        has_default = f.default is not _MISSING or f.default_factory is not _MISSING
        if seen_default and not has_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
        seen_default = seen_default or has_default
    found = tuple(found)
    names = tuple(f.name for f in found)
    for f in found:  # a class attribute holds the default, as with dataclasses; a factory's field has none
        if f.default is _MISSING:
            if isinstance(own.get(f.name), Field):
                delattr(cls, f.name)
        else:
            setattr(cls, f.name, f.default)
    if slots:
        cls = _with_slots(cls, names, frozen)
    setattr(cls, _FIELDS, found)
    cls.__dataclass_fields__ = _StandardFields()
    _set(cls, "__match_args__", names)
    _set(cls, "__init__", _make_init(cls, found, frozen))
    shown = tuple(f.name for f in found if f.repr)
    _set(cls, "__repr__", _make_repr(shown))
    compared = tuple(f.name for f in found if f.compare)
    key = attrgetter(*compared) if len(compared) > 1 else _tuple_getter(compared)
    if eq:
        _set(cls, "__eq__", _make_compare(key, _tuple_eq))
    if order:
        for name, op in (("__lt__", _lt), ("__le__", _le), ("__gt__", _gt), ("__ge__", _ge)):
            if name in own:
                raise TypeError(f"cannot overwrite attribute {name} in class {cls.__name__}")
            setattr(cls, name, _make_compare(key, op))
    if frozen:
        for name in ("__setattr__", "__delattr__"):
            if name in own:
                raise TypeError(f"cannot overwrite attribute {name} in class {cls.__name__}")
        cls.__setattr__, cls.__delattr__ = _frozen_methods(cls, frozenset(names))
    _set_hash(cls, own, key, eq, frozen, unsafe_hash)
    return cls


def _set(cls, name, value) -> None:
    if name not in cls.__dict__:  # a method the class writes itself wins, as with dataclasses
        setattr(cls, name, value)


def _set_hash(cls, own, key, eq, frozen, unsafe_hash) -> None:
    explicit = "__hash__" in own and own["__hash__"] is not None
    if unsafe_hash:
        if explicit:
            raise TypeError(f"cannot overwrite attribute __hash__ in class {cls.__name__}")
        cls.__hash__ = _make_hash(key)
    elif eq and frozen:
        if not explicit:
            cls.__hash__ = _make_hash(key)
    elif eq and not explicit:
        cls.__hash__ = None


def _tuple_getter(names):
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _tuple_eq(a, b):
    return a == b


def _lt(a, b):
    return a < b


def _le(a, b):
    return a <= b


def _gt(a, b):
    return a > b


def _ge(a, b):
    return a >= b


def _make_compare(key, op):
    def compare(self, other):
        if other.__class__ is self.__class__:
            return op(key(self), key(other))
        return NotImplemented

    return compare


def _make_hash(key):
    def __hash__(self):
        return hash(key(self))

    return __hash__


def _make_repr(shown):
    getters = tuple((name + "=", attrgetter(name)) for name in shown)

    def __repr__(self):
        key = (id(self), get_ident())
        if key in _repr_running:
            return "..."
        _repr_running.add(key)
        try:
            inside = ", ".join(label + repr(get(self)) for label, get in getters)
        finally:
            _repr_running.discard(key)
        return f"{self.__class__.__qualname__}({inside})"

    return __repr__


_repr_running: set = set()


def _frozen_methods(cls, names):
    def __setattr__(self, name, value):
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self, name):
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __setattr__, __delattr__


# {source of an __init__: modules whose records have it}: what `iaclint.reference.record_inits` writes.
BUILT: dict = {}
_PRECOMPILED: dict | None = None


def _precompiled() -> dict:
    """{source: function making that `__init__` from its scope} of `record_inits`, the
    module `python -m iaclint.reference.record_inits` generates: its bytecode is compiled when iaclint is
    installed, so a record found there costs no `compile()` at start-up (each took
    about 0.6 M instructions; 38 M for a one-file scan's 63 records)."""
    global _PRECOMPILED
    if _PRECOMPILED is None:
        try:
            from iaclint.model.record_inits import INITS
        except ImportError:  # not generated yet: every __init__ is compiled, as before
            INITS = {}
        _PRECOMPILED = INITS
    return _PRECOMPILED


def _make_init(cls, found, frozen):
    """`__init__` made once for the class (plain assignments: as fast as the standard
    library's), from `record_inits` when its source is there, else compiled now."""
    scope = {"_MISSING": _MISSING, "_setattr": object.__setattr__}
    params, body = [], []
    for f in found:
        if f.default_factory is not _MISSING:
            scope[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            value = f"_factory_{f.name}() if {f.name} is _MISSING else {f.name}"
        elif f.default is not _MISSING:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
            value = f.name
        else:
            params.append(f.name)
            value = f.name
        body.append(f"_setattr(self, {f.name!r}, {value})" if frozen else f"self.{f.name} = {value}")
    source = f"def __init__(self, {', '.join(params)}):\n    " + ("\n    ".join(body) or "pass") + "\n"
    BUILT.setdefault(source, set()).add(cls.__module__)
    made = _precompiled().get(source)
    if made is not None:  # compiled when iaclint was installed (record_inits): no compile() now
        init = made(scope)
    else:
        exec(source, scope)  # noqa: S102 - our own field names, checked identifiers by the class statement
        init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


def _with_slots(cls, names, frozen):
    """A new class with `__slots__` for the fields, as `dataclass(slots=True)` makes."""
    body = dict(cls.__dict__)
    if "__slots__" in body:
        raise TypeError(f"{cls.__name__} already specifies __slots__")
    body["__slots__"] = names
    for name in names:
        body.pop(name, None)  # a default lives in __init__, not as a class attribute over the slot
    body.pop("__dict__", None)
    body.pop("__weakref__", None)
    qualname = getattr(cls, "__qualname__", None)
    cls = type(cls)(cls.__name__, cls.__bases__, body)
    if qualname is not None:
        cls.__qualname__ = qualname
    if frozen:  # as dataclasses: pickle a frozen slotted record by its field values
        getter = attrgetter(*names) if len(names) > 1 else _tuple_getter(names)

        def __getstate__(self):
            return list(getter(self))

        def __setstate__(self, state):
            for name, value in zip(names, state):
                object.__setattr__(self, name, value)

        cls.__getstate__, cls.__setstate__ = __getstate__, __setstate__
    return cls
