"""ECR repositories that serve AI workloads, and the image settings the ECR policies share.

- *which repository an image names*: an ECR image URI is
  `<account>.dkr.ecr.<region>.amazonaws.com/<name>[:tag | @sha256:digest]`. It names a
  repository of the scan through a reference (`aws_ecr_repository.x.repository_url`,
  `!GetAtt Repo.RepositoryUri`, inside a template or not), or by its literal name, matched
  against the repositories' `name` (Terraform `name`, CloudFormation `RepositoryName`); an
  image in a registry AWS owns (the Deep Learning Containers' account) names none;
- *model repositories* (`model_repository`): a repository is in scope of the
  `ecr-model-repo-*` policies when an AI resource (`iaclint.aws.mlscope.is_ai_resource`: SageMaker,
  Bedrock, ...) refers to it or writes an image URI with its name anywhere in its
  attributes (pipeline definitions included), or when it carries an ML tag
  (`iaclint.aws.mlscope.ml_tagged`). Repositories used only by other workloads are out of scope;
  Checkov's generic CKV_AWS_163 / CKV_AWS_51 cover those;
- *settings* (`tag_mutability`, `scan_on_push`): tags that can be moved, and images not
  scanned when pushed (neither by the repository's `image_scanning_configuration` nor by a
  registry-wide `aws_ecr_registry_scanning_configuration` rule whose filter matches it).

Every answer is three-valued (True, False, None for "cannot be known statically"), with the
words and the canonical path a message needs. Only plain data, `Unknown`, the documents
helper, the IAM glob reader and the ML scoping helpers are used here.
"""
from __future__ import annotations

import re
from typing import Any, Iterator, Optional

from iaclint.aws.iam import value_glob
from iaclint.aws.mlscope import is_ai_resource, ml_tagged, project_table
from iaclint.model import linear_regex, paths
from iaclint.model.documents import EncodedJson
from iaclint.model.records import dataclass, field
from iaclint.model.symbolic_text import pieces
from iaclint.model.unknown import Unknown, is_unknown
from iaclint.model.work import spend

Tri = Optional[bool]

REPOSITORY_TYPE = "aws_ecr_repository"
SCANNING_TYPE = "aws_ecr_registry_scanning_configuration"
MUTABLE = frozenset({"MUTABLE", "MUTABLE_WITH_EXCLUSION"})
SCANNING_FREQUENCIES = frozenset({"SCAN_ON_PUSH", "CONTINUOUS_SCAN"})
# `*` stands for an unknown part of a template (`${AWS::AccountId}`, `${var.region}`).
# Registries AWS owns and publishes its own images from, which no stack can declare or
# configure: the Deep Learning Containers (SageMaker's framework images: PyTorch, Hugging
# Face, DJL, ...) in every commercial Region that is not opt-in.
AWS_MANAGED_REGISTRIES = frozenset({"763104351884"})
# The Terraform data source that names SageMaker's own image registries, one per Region.
PREBUILT_IMAGES = "data.aws_sagemaker_prebuilt_ecr_image."
_REGISTRY = re.compile(r"\s*(\d{12})\.dkr\.ecr")
_ECR_URI = re.compile(r"(?:\d{12}|\*)\.dkr\.ecr(?:-fips)?\.[a-z0-9*-]+\.amazonaws\.com(?:\.cn)?/"
                      r"(?P<name>[a-z0-9*][a-z0-9._/*-]*)(?P<ref>[:@][A-Za-z0-9._:*-]*)?")


@dataclass
class Answer:
    """One question about a repository or an image: `verdict` True when the problem is
    present, False when it is not, None when it cannot be known; `message` says why;
    `path` is the canonical path to point at."""

    verdict: Tri
    message: str = ""
    path: tuple = ()


@dataclass
class ImageUse:
    """An image attribute of a resource (`primary_container.image`): the repositories of
    the scan it comes from, whether it is pinned by digest, and, when the repository cannot
    be told, why (`unresolved`). `ecr` is False for an image outside ECR or in a registry
    AWS owns (`AWS_MANAGED_REGISTRIES`): neither has a repository the stack could set."""

    path: tuple
    value: Any
    repositories: list = field(default_factory=list)
    pinned: bool = False
    unresolved: str = ""
    ecr: bool = True


# --------------------------------------------------------------------------------------
# Image URIs and repository names


def image_names(text: str) -> Iterator[tuple[str, bool]]:
    """(repository name, pinned by digest) for every ECR image URI in `text`; the name may
    hold `*` where a template interpolates."""
    for match in _ECR_URI.finditer(text):
        yield match.group("name").rstrip("/"), (match.group("ref") or "").startswith("@sha256:")


def aws_managed(text: str) -> bool:
    """Is `text` an image URI in a registry AWS owns (`AWS_MANAGED_REGISTRIES`)?"""
    match = _REGISTRY.match(text)
    return match is not None and match.group(1) in AWS_MANAGED_REGISTRIES


def repository_name(repo) -> Any:
    """The repository's name: a string, an Unknown, or None."""
    value = repo.attributes.get("name")
    return value if isinstance(value, str) or is_unknown(value) else None


def _glob_match(pattern: str, name: str) -> bool:
    """`*` (an unknown part of a template) matches any run of characters. In RE2: a
    backtracking engine would take exponential time on a name with many `*` in it."""
    regex = "".join(".*" if c == "*" else linear_regex.escape(c) for c in pattern)
    try:
        return linear_regex.compile(regex).fullmatch(name) is not None
    except ValueError:  # a pattern too large for RE2's memory: treated as no match
        return False


def _repositories(ctx) -> list:
    return ctx.project.of_type(REPOSITORY_TYPE)


def _named(ctx, name: str, origin) -> tuple[list, bool]:
    """Repositories of the scan whose name matches `name` (a glob when it holds `*`), those
    of `origin`'s module or template first (names are per account and region, so a scan of
    several stacks may declare one name twice), and whether some repository with an unknown
    name may match too."""
    table = project_table(ctx, _RepositoryNames)
    if "*" in name:  # a glob: compared with every name (charged to the work budget)
        spend(len(table.named))
        found = [repo for own, repo in table.named if _glob_match(name, own)]
    else:  # `_glob_match` of a name without `*` is equality: looked up
        found = list(table.by_name.get(name, ()))
    local = [r for r in found if r.unit == origin.unit]
    return local or found, table.unnamed


class _RepositoryNames:
    """The repositories of the project by known name (each image used to compare its name
    with every repository: images x repositories), in scan order, and whether one has a
    name that cannot be known."""

    def __init__(self, project):
        self.named: list = []  # (name, repository)
        self.by_name: dict = {}
        self.unnamed = False
        for repo in project.of_type(REPOSITORY_TYPE):
            own = repository_name(repo)
            if isinstance(own, str):
                self.named.append((own, repo))
                self.by_name.setdefault(own, []).append(repo)
            elif is_unknown(own):
                self.unnamed = True


# --------------------------------------------------------------------------------------
# Which repositories an image comes from


def image_uses(resource, ctx, image_paths: tuple) -> list[ImageUse]:
    """Every image attribute of `resource` reached by the dotted `image_paths`
    (`"primary_container.image"`), with the repositories it names."""
    uses = []
    for dotted in image_paths:
        for path, value in paths.find(resource.attributes, dotted):
            uses.append(_image_use(resource, ctx, tuple(path), value))
    return uses


def _image_use(resource, ctx, path: tuple, value: Any) -> ImageUse:
    use = ImageUse(path, value)
    if isinstance(value, str):
        names = list(image_names(value))
        if not names or aws_managed(value):
            use.ecr = False
            return use
        use.pinned = names[0][1]
        found, maybe = _named(ctx, names[0][0], resource)
        use.repositories = found
        if not found:
            use.unresolved = (f"`{value}` names the ECR repository `{names[0][0]}`, which is not declared in "
                              f"the scanned files" + (" (or whose name is unknown)" if maybe else ""))
        return use
    if not is_unknown(value):
        use.ecr = False
        return use
    targets = [(ref, target) for ref, target in ctx.project.outgoing(resource, path)]
    repos = [t for _, t in targets if t is not None and t.type == REPOSITORY_TYPE]
    glob = value_glob(value) or ""
    use.pinned = "@sha256:" in glob
    if repos:
        use.repositories = repos
        return use
    if _from_prebuilt(value):
        use.ecr = False  # SageMaker's own registry, per Region
        return use
    if aws_managed(glob):  # `!Sub 763104351884.dkr.ecr.${AWS::Region}.amazonaws.com/...`
        use.ecr = False
        return use
    names = list(image_names(glob))
    if names and "*" not in names[0][0]:
        found, maybe = _named(ctx, names[0][0], resource)
        use.repositories = found
        if found:
            return use
        use.unresolved = (f"`{_show(value)}` names the ECR repository `{names[0][0]}`, which is not declared "
                          f"in the scanned files" + (" (or whose name is unknown)" if maybe else ""))
        return use
    others = sorted({ref.target for ref, _ in targets})
    if others:
        use.unresolved = (f"`{_show(value)}` comes from {', '.join(f'`{o}`' for o in others)}, not from an ECR "
                          f"repository declared in the scanned files")
    else:
        use.unresolved = f"`{_show(value)}` is unknown until deployment ({value.reason})"
    return use


def _from_prebuilt(value: Unknown) -> bool:
    """Whether an image's registry is the one `data "aws_sagemaker_prebuilt_ecr_image"` names
    (AWS publishes SageMaker's built-in images there): the image is its `registry_path`, or
    a URI that starts with its `registry_id`."""
    found = pieces(value)
    first = found[0] if found else None
    return isinstance(first, Unknown) and bool(first.refs) and all(
        ref.startswith(PREBUILT_IMAGES) or f".{PREBUILT_IMAGES}" in ref for ref in first.refs)


def _show(value: Any) -> str:
    text = " ".join(str(value.expr if isinstance(value, Unknown) else value).split())
    return text if len(text) <= 80 else text[:77] + "..."


# --------------------------------------------------------------------------------------
# Model repositories (scope)


def _written_names(resource) -> Iterator[str]:
    """Repository names (globs) of the ECR image URIs written anywhere in `resource`."""
    for _, value in _leaves(resource.attributes):
        if isinstance(value, str):
            for name, _ in image_names(value):
                yield name
        elif is_unknown(value):  # a template keeps its literal text (`${acct}.dkr.ecr...`)
            for name, _ in image_names(value_glob(value) or ""):
                yield name


def _leaves(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    if isinstance(value, EncodedJson):  # jsonencode(): walk what it encodes, Unknowns kept
        value = value.value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, path + (i,))
    else:
        yield path, value


class _WrittenNames:
    """The repository names written by the AI resources of the project, indexed once (each
    repository used to walk every value of every resource: repositories x resources):
    `exact` name -> (position, first resource writing it), `globs` [(position, glob with
    `*`, resource)] in scan order, `first` the first AI resource writing any name."""

    def __init__(self, project):
        self.exact: dict = {}
        self.globs: list = []
        self.first = None
        for position, resource in enumerate(project.resources):
            if not is_ai_resource(resource):
                continue
            for written in _written_names(resource):
                self.first = self.first or resource
                if "*" in written:
                    self.globs.append((position, written, resource))
                else:
                    self.exact.setdefault(written, (position, resource))


def model_repository(repo, ctx) -> Answer:
    """Is the repository used by an AI workload? True with the reason ("used by
    `aws_sagemaker_model.churn`"), None when an AI resource writes an image URI that may
    name it but cannot be compared, False otherwise."""
    for source, _ in ctx.project.incoming(repo):
        if is_ai_resource(source):
            return Answer(True, f"used by `{source.address}`")
    name = repository_name(repo)
    maybe = ""
    written = project_table(ctx, _WrittenNames)
    if isinstance(name, str):
        exact = written.exact.get(name)
        if exact is not None:
            return Answer(True, f"named by `{exact[1].address}`")
        spend(len(written.globs))  # a glob written by every AI resource, checked for every repository
        for _, pattern, resource in written.globs:
            if _glob_match(pattern, name):
                maybe = f"`{resource.address}` writes an image URI that may name it"
                break
    elif written.first is not None:
        maybe = f"`{written.first.address}` writes an image URI that may name it (its name is unknown)"
    tagged = ml_tagged(repo)
    if tagged.verdict is True:
        return Answer(True, tagged.reason)
    if maybe:
        return Answer(None, maybe)
    if tagged.verdict is None:
        return Answer(None, tagged.reason)
    return Answer(False, "no AI resource in the scanned files uses it")


# --------------------------------------------------------------------------------------
# Settings


def tag_mutability(repo) -> Answer:
    """Can a tag be moved to another image? `MUTABLE` (the default) and
    `MUTABLE_WITH_EXCLUSION` allow it."""
    path = ("image_tag_mutability",)
    value = repo.attributes.get(path[0])
    name = f"`{repo.native_name(path)}`"
    if is_unknown(value):
        return Answer(None, f"{name} is `{_show(value)}`, unknown until deployment", path)
    shown = str(value).upper() if isinstance(value, str) else "MUTABLE"
    if shown in MUTABLE:
        how = "is not set, and AWS defaults it to `MUTABLE`" if path in repo.defaults or value is None \
            else f"is `{value}`"
        return Answer(True, f"{name} {how}: a tag can be pushed again to point at a different image", path)
    return Answer(False, f"{name} is `{value}`", path)


def scan_on_push(repo, ctx) -> Answer:
    """Are pushed images left unscanned? The repository's own
    `image_scanning_configuration.scan_on_push` (default `false`), unless a registry
    scanning rule (`SCAN_ON_PUSH` or `CONTINUOUS_SCAN`) with a matching filter covers it."""
    block = ("image_scanning_configuration",)
    hits = paths.find_detailed(repo.attributes, block + ("scan_on_push",))
    own: Tri = False
    path = block + ("scan_on_push",)
    if hits:
        hit_path, value, complete = hits[0]
        path = tuple(hit_path)
        if not complete or is_unknown(value):
            own = None
        else:
            own = value is True or (isinstance(value, str) and value.strip().lower() == "true")
    elif is_unknown(repo.attributes.get(block[0])):
        own = None
        path = block
    if own is True:
        return Answer(False, "", path)
    registry = registry_scanning(repo, ctx)
    if registry.verdict is True:
        return Answer(False, registry.message, path)
    name = f"`{repo.native_name(block + ('scan_on_push',))}`"
    if own is None:
        return Answer(None, f"{name} cannot be known statically", path)
    if registry.verdict is None:
        return Answer(None, f"{name} is off, and {registry.message}", path)
    how = "is `false`" if hits and tuple(hits[0][0]) not in repo.defaults else "is not set (default `false`)"
    tail = f", and {registry.message}" if registry.message else ""
    return Answer(True, f"{name} {how}{tail}: images pushed to it are not scanned for vulnerabilities", path)


def registry_scanning(repo, ctx) -> Answer:
    """Does a registry scanning configuration of the scan scan the repository's images
    automatically? True (with the rule), None when a filter or the name is unknown, False
    (with what was found) otherwise."""
    configs = ctx.project.of_type(SCANNING_TYPE)
    if not configs:
        return Answer(False, "")
    name = repository_name(repo)
    unknown = ""
    for config in configs:
        rules = config.attributes.get("rule")
        if is_unknown(rules):
            unknown = unknown or f"the rules of `{config.address}` cannot be known statically"
            continue
        for rule in rules if isinstance(rules, list) else [rules] if isinstance(rules, dict) else []:
            if is_unknown(rule):
                unknown = unknown or f"a rule of `{config.address}` cannot be known statically"
                continue
            if not isinstance(rule, dict):
                continue
            frequency = rule.get("scan_frequency")
            if is_unknown(frequency):
                unknown = unknown or f"a scan frequency of `{config.address}` cannot be known statically"
                continue
            if str(frequency).upper() not in SCANNING_FREQUENCIES:
                continue
            filters = rule.get("repository_filter")
            for item in filters if isinstance(filters, list) else [filters]:
                pattern = item.get("filter") if isinstance(item, dict) else item
                if not isinstance(pattern, str) or not isinstance(name, str):
                    unknown = unknown or (f"whether `{config.address}` scans it cannot be known statically")
                    continue
                if _glob_match(pattern, name):
                    return Answer(True, f"`{config.address}` scans it ({frequency}, filter `{pattern}`)")
    if unknown:
        return Answer(None, unknown)
    return Answer(False, "no registry scanning rule covers it")


def scoped(repo, ctx, answer: Answer) -> Answer:
    """A setting's answer for a repository, kept only when the repository serves an AI
    workload (`model_repository`): out of scope is no problem; a possible model repository
    with the problem is unknown."""
    if answer.verdict is False:
        return answer
    scope = model_repository(repo, ctx)
    if scope.verdict is False:
        return Answer(False, scope.message, answer.path)
    if scope.verdict is None:
        return Answer(None, f"{answer.message}; whether it serves an AI workload cannot be known: {scope.message}",
                      answer.path)
    return Answer(answer.verdict, f"ECR repository {scope.message}: {answer.message}", answer.path)
