"""Edges written as references between resources: the role a resource runs as, the key
that encrypts it, the buckets it reads and writes, the model an endpoint serves, the
knowledge base an agent uses; and the resources that only connect two assets.

A reference is turned into an edge by what it points at (a key is `encrypts-with`, a
role under a role attribute is `assumes`, a bucket is `reads` or `writes` by the words of
the attribute path: `output`, `destination`, `capture`... write) and tags the data it
reaches with what it is for (`training-data`, `model-artifacts`, `kb-source`...). Bucket
names written as text (`s3://name/train/`, `arn:aws:s3:::name`, a pipeline definition's
`S3Uri`) link to the unit's buckets of that name.
"""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.aws import s3 as s3_facts
from iaclint.aws.verdicts import leaves
from iaclint.inventory import kinds
from iaclint.inventory.unit import Builder
from iaclint.inventory.model import Asset, Unknowable
from iaclint.inventory.settings import MODEL_KEYS

ROLE_KEYS = frozenset(iam.ROLE_ATTRIBUTES) | {"role", "data_access_role_arn", "memory_execution_role_arn"}
# Kinds that run as a role of their own (others name roles for other reasons).
RUNS_AS = ("model", "endpoint", "agent", "agent-runtime", "flow", "knowledge-base", "feature-store", "pipeline",
           "monitoring", "notebook", "studio", "tracking-server", "ai-service", "function", "api", "memory",
           "agent-tool")
# Resources folded into the assets that use them: their references become the user's.
FOLDED = ("aws_sagemaker_endpoint_configuration",)
WRITE_WORDS = ("output", "destination", "capture", "artifact_store", "artifactstore", "s3_config", "log")
TAG_WORDS = (("capture", "data-capture"), ("offline_store", "feature-store-offline"),
             ("model_data", "model-artifacts"), ("modeldata", "model-artifacts"),
             ("outputdataconfig", "model-artifacts"), ("training", "training-data"),
             ("inputdataconfig", "training-data"), ("s3datasource", "training-data"))
SOURCE_TAGS = {"invocation-logging": "invocation-logs", "pipeline": "pipeline-data",
               "feature-store": "feature-store-offline", "tracking-server": "model-artifacts"}


def extract(b: Builder) -> None:
    folded = _folded(b)
    for asset in list(b.graph):
        r = asset.resource
        if r is None or asset.kind in ("role", "user"):
            continue  # IAM documents are read by `grants`
        if asset.kind in RUNS_AS:
            _roles(b, asset)
        _references(b, asset, r, (), folded)
        _bucket_names(b, asset, r, ())
        for config in folded.get(id(r), ()):
            _bucket_names(b, asset, config, (b.at(r, ("endpoint_config_name",)),))
    _bucket_keys(b)
    _data_sources(b)
    _associations(b)
    _pipeline_registries(b)


def _words(path: tuple) -> str:
    return "/".join(str(p).lower() for p in path if isinstance(p, str))


# Where a role is named besides the references (a literal ARN): attribute paths by name.
ROLE_PATHS = tuple((k,) for k in sorted(ROLE_KEYS)) + (
    ("default_user_settings", "execution_role"), ("default_space_settings", "execution_role"),
    ("user_settings", "execution_role"), ("space_settings", "execution_role"))


def _roles(b: Builder, asset: Asset) -> None:
    r = asset.resource
    where = [p for p in ROLE_PATHS if p[0] in r.attributes]
    where += [tuple(ref.path) for ref in r.references
              if ref.path and ref.path[0] not in ("tags", "tags_all") and _last_name(ref.path) in ROLE_KEYS]
    for path in dict.fromkeys(where):
        for found, role, reason in iam.role_of_reference(r, path, b.ctx):
            target = b.asset(role)
            if target is not None:
                b.link(asset, target, "assumes", "execution role", (b.at(r, found),), cost=4,
                       fix=f"run `{r.address}` as a role that holds only what it needs")
                if not isinstance(asset.role, str):
                    asset.role = target.id
            elif asset.role is None:
                asset.role = Unknowable(reason)


def _last_name(path) -> str:
    """The last name (not an index) of a path, "" for none."""
    last = path[-1] if path else ""
    if isinstance(last, str):
        return last
    return next((p for p in reversed(path) if isinstance(p, str)), "")


def _folded(b: Builder) -> dict:
    """id(user resource) -> [folded resources it refers to]; a folded resource nobody
    refers to becomes an asset of its own (an endpoint configuration alone). A reference
    reaches only its own unit, by address (`Project.lookup`): only the references of
    assets to the address of a folded resource are looked up (a unit without one walks
    nothing)."""
    out: dict = {}
    users: set = set()
    folded = {r.address for r in b.of_type(*FOLDED)}
    if not folded:
        return out
    for r in b.resources:
        if b.asset(r) is None:
            continue
        for _, target, _ in b.targets(r, to=folded):
            if target is not None and target.type in FOLDED:
                out.setdefault(id(r), []).append(target)
                users.add(id(target))
    for r in b.of_type(*FOLDED):
        if id(r) not in users:
            b.make(r, "endpoint")
    return out


def _references(b: Builder, asset: Asset, r, via: tuple, folded: dict, depth: int = 0) -> None:
    for where, target, _ in b.targets(r):
        if target is None:
            continue
        if target.type in FOLDED and depth == 0 and target in folded.get(id(r), ()):
            _references(b, asset, target, via + (b.at(r, where),), folded, depth + 1)
            continue
        other = b.asset(target)
        if other is None or other is asset:
            continue
        last = _last_name(where)
        if other.kind == "role" or last in ROLE_KEYS or last.lower() in MODEL_KEYS:
            continue  # execution roles: `_roles`, models: `settings`; a role named otherwise is not a use
        _reference_edge(b, asset, other, where, via, r)


def _reference_edge(b: Builder, asset: Asset, other: Asset, where: tuple, via: tuple, r) -> None:
    """The edge a reference at `where` of `r` (`asset`'s resource, or a resource folded into
    it, reached through `via`) to `other` makes, if any; its place is looked up only then."""
    kind = other.kind
    if asset.kind == "api" and kind != "key":
        return  # what an API fronts: `entries`, with its authentication
    if asset.kind == "function" and kind != "key":
        return  # a function's code bucket and environment name things; what it may do is its role's
    words = _words(where)
    via = via + (b.at(r, where),)
    if kind == "key":
        b.link(asset, other, "encrypts-with", "", via, cost=4)
    elif kind == "data-store":
        if asset.kind != "data-store":  # a bucket naming another: its access-log target
            _data_link(b, asset, other, words, via)
    elif kind == "vector-store":
        other.tag("ai")
        b.link(asset, other, "reads", "vector store", via, cost=4)
        b.link(asset, other, "writes", "vector store", via, cost=4, notes=("ingestion",))
    elif kind == "guardrail":
        b.link(asset, other, "invokes", "guardrail", via, cost=4)
    elif kind == "studio" and asset.kind in ("studio", "notebook"):
        b.link(asset, other, "runs-in", "", via, cost=4)
    elif kind == "registry":
        b.link(asset, other, "writes" if asset.kind == "pipeline" else "reads", "model registry", via, cost=4)
    elif kind == "image-repository":
        b.link(asset, other, "reads", "container image", via, cost=4)
    elif kind == "endpoint" and asset.kind == "monitoring":
        b.link(asset, other, "reads", "monitors", via, cost=4)
    elif kind == "model" and asset.kind == "endpoint":
        b.link(asset, other, "invokes", "serves", via, cost=4)
    elif kind in ("feature-store", "memory"):
        b.link(asset, other, "reads", "", via, cost=4)
    elif kind not in ("external", "api", "user"):
        b.link(asset, other, "invokes", kinds.KIND_LABELS.get(kind, "") if kind == "knowledge-base" else "", via,
               cost=4)


def _data_link(b: Builder, asset: Asset, bucket: Asset, words: str, via: tuple, label: str = "") -> None:
    writes = any(w in words for w in WRITE_WORDS)
    tags = [tag for word, tag in TAG_WORDS if word in words]
    if "training-data" in tags and "outputdataconfig" in words:
        tags.remove("training-data")
    if asset.kind in SOURCE_TAGS and not tags:
        tags.append(SOURCE_TAGS[asset.kind])
    if asset.kind == "model" and not tags:
        tags.append("model-artifacts")
    bucket.tag(*tags)
    b.link(asset, bucket, "writes" if writes else "reads", label or _label(tags), via, cost=4)


def _label(tags: list) -> str:
    return tags[0].replace("-", " ") if tags else ""


def _bucket_names(b: Builder, asset: Asset, r, via: tuple) -> None:
    """Buckets of the unit named in `r`'s text (`s3://name/...`, `arn:aws:s3:::name`)."""
    if asset.kind in ("data-store", "key", "api", "image-repository", "vector-store"):
        return
    by_name, named = _named_buckets(b)
    if not named:
        return
    for glob, path, _raw in s3_facts.written_bucket_names(_readable(r)):
        if "*" in glob or "?" in glob:
            found = [(name, bucket) for name, bucket in named if iam.matches(glob, name)]
        else:  # a plain name: looked up, not compared with every bucket (quadratic in big units)
            found = by_name.get(glob.lower(), ())
        for _name, bucket in found:
            _data_link(b, asset, b.asset(bucket), _words(path), via + (b.at(r, path),))


def _named_buckets(b: Builder) -> tuple[dict, list]:
    """The unit's buckets with a known name, once per unit: ({lower-cased name: [(name,
    bucket)]}, [(name, bucket)]) in the unit's order (IAM compares names ignoring case)."""
    if "named-buckets" not in b.memo:
        named = [(s3_facts.bucket_name(x), x) for x in b.of_type("aws_s3_bucket")]
        named = [(n, x) for n, x in named if isinstance(n, str) and n]
        by_name: dict = {}
        for name, bucket in named:
            by_name.setdefault(name.lower(), []).append((name, bucket))
        b.memo["named-buckets"] = (by_name, named)
    return b.memo["named-buckets"]


def _readable(r):
    """`r`, or for a pipeline whose definition is JSON text (CloudFormation's
    `PipelineDefinitionBody`), a stand-in holding the decoded definition, so that its
    buckets are named at their step's path (`InputDataConfig`: training data) as they are
    from Terraform's `jsonencode()`."""
    if r.type != "aws_sagemaker_pipeline":
        return r
    from types import SimpleNamespace

    from iaclint.aws import sagemaker_pipelines

    pipeline = sagemaker_pipelines.load(r)
    if pipeline is None or pipeline.definition is None:
        return r
    return SimpleNamespace(attributes={**r.attributes, sagemaker_pipelines.ROOT[0]: pipeline.definition})


def _bucket_keys(b: Builder) -> None:
    """A bucket is encrypted with the key its Terraform `aws_s3_bucket_server_side_encryption_configuration` names."""
    for sse in b.of_type("aws_s3_bucket_server_side_encryption_configuration"):
        buckets = [a for _, a in b.target_assets(sse, ("bucket",)) if a.kind == "data-store"]
        for where, key in b.target_assets(sse, ("rule",)):
            for bucket in buckets:
                if key.kind == "key":
                    b.link(bucket, key, "encrypts-with", "", (b.at(sse, where),), cost=4)


def _data_sources(b: Builder) -> None:
    """A knowledge base reads the buckets of its data sources."""
    for ds in b.of_type("aws_bedrockagent_data_source"):
        kbs = [a for _, a in b.target_assets(ds, ("knowledge_base_id",)) if a.kind == "knowledge-base"]
        name = ds.attributes.get("name")
        label = f"data source `{name}`" if isinstance(name, str) else f"data source `{ds.address}`"
        for kb in kbs:
            for where, bucket in b.target_assets(ds, ("data_source_configuration",)):
                if bucket.kind == "data-store":
                    bucket.tag("kb-source")
                    b.link(kb, bucket, "reads", label, (b.at(ds, where),), cost=4, notes=("ingestion",))
            buckets = [(s3_facts.bucket_name(x), x) for x in b.of_type("aws_s3_bucket")]
            for glob, path, _ in s3_facts.written_bucket_names(ds):
                for bname, bucket in buckets:
                    if isinstance(bname, str) and iam.matches(glob, bname):
                        b.asset(bucket).tag("kb-source")
                        b.link(kb, b.asset(bucket), "reads", label, (b.at(ds, path),), cost=4, notes=("ingestion",))


# connector type -> (source attribute, source kind, target attribute, target kind, label)
ASSOCIATIONS = {
    "aws_bedrockagent_agent_knowledge_base_association": ("agent_id", "agent", "knowledge_base_id",
                                                          "knowledge-base", "knowledge base"),
    "aws_bedrockagent_agent_action_group": ("agent_id", "agent", "action_group_executor", "function",
                                            "action group"),
}


def _associations(b: Builder) -> None:
    for rtype, (src_path, src_kind, dst_path, dst_kind, label) in ASSOCIATIONS.items():
        for link in b.of_type(rtype):
            sources = [a for _, a in b.target_assets(link, (src_path,)) if a.kind == src_kind]
            targets = [(w, a) for w, a in b.target_assets(link, (dst_path,)) if a.kind == dst_kind]
            for source in sources:
                for where, target in targets:
                    b.link(source, target, "invokes", label, (b.at(link, where),), cost=4)


def _pipeline_registries(b: Builder) -> None:
    """A pipeline's `RegisterModel` steps write to the model package group they name."""
    groups = {}
    for g in b.of_type("aws_sagemaker_model_package_group"):
        name = g.attributes.get("model_package_group_name")
        if isinstance(name, str):
            groups[name] = g
    if not groups:
        return
    for p in b.of_type("aws_sagemaker_pipeline"):
        pipeline = b.asset(p)
        for path, value in leaves(p.attributes.get("pipeline_definition"), ("pipeline_definition",)):
            if path and path[-1] == "ModelPackageGroupName" and isinstance(value, str) and value in groups:
                b.link(pipeline, b.asset(groups[value]), "writes", "registers models", (b.at(p, path),), cost=4)
