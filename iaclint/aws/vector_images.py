"""Self-hosted vector databases on ECS: which container image is one, and which task
definition an ECS service runs.

An image is a vector database when its repository path, with the registry host (Docker
Hub, `ghcr.io`, `cr.weaviate.io`, an ECR pull-through cache prefix) and the tag or digest
taken off, is one of `VECTOR_DB_IMAGES` or ends with `/` and one of them. It is matched
whole, never as a substring: `example/qdrant-proxy` is not Qdrant. An image written with
unknown parts counts when its repository path is known whole from the first slash after the
last unknown part, which is then part of a registry prefix
(`${var.registry}/qdrant/qdrant:${var.tag}`, `${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/qdrant/qdrant`); an image nothing is known of is not
guessed at. A copy of an image pushed to a private repository under another name is not
recognised (no static tool can).

Task definitions are followed from the service's `task_definition` reference, or matched
by a literal family (`qdrant`, `qdrant:3`, or the task definition ARN) against the
task definitions' `family`.
"""
from __future__ import annotations

import re
from typing import Any, Iterator

from iaclint.model.documents import decode
from iaclint.model.unknown import is_unknown

# Repository path -> the product, for the message. Official images of each project.
VECTOR_DB_IMAGES = {
    "qdrant/qdrant": "Qdrant",
    "semitechnologies/weaviate": "Weaviate",
    "milvusdb/milvus": "Milvus",
    "chromadb/chroma": "Chroma",
    "chroma-core/chroma": "Chroma",
    "pgvector/pgvector": "PostgreSQL with pgvector",
}
TASK_DEFINITION_TYPE = "aws_ecs_task_definition"
HOLE = "\x00"  # an unknown part of the image's text
_FAMILY = re.compile(r"^(?:arn:[^:]+:ecs:[^:]*:[^:]*:task-definition/)?(?P<family>[A-Za-z0-9_-]+)(?::\d+)?$")


def repository_path(image: str) -> str:
    """`registry/name/space:tag@digest` -> `registry/name/space` (a registry's `host:port`
    is kept: only a colon after the last slash starts a tag)."""
    ref = image.strip().split("@", 1)[0]
    slash, colon = ref.rfind("/"), ref.rfind(":")
    return ref[:colon] if colon > slash else ref


def vector_database(image: Any) -> str | None:
    """The vector database an image runs (a name from `VECTOR_DB_IMAGES`), or None."""
    if is_unknown(image):
        parts = getattr(image, "parts", None)
        if not parts:
            return None
        text = "".join(p if isinstance(p, str) else HOLE for p in parts)
    elif isinstance(image, str):
        text = image
    else:
        return None
    path = repository_path(text).lower()
    if HOLE in path:  # the path is known from the first slash after the last hole (a registry prefix) on
        path = path.rsplit(HOLE, 1)[1]
        if "/" not in path:
            return None
        path = path[path.index("/"):]
    for repository, product in VECTOR_DB_IMAGES.items():
        if path == repository or path.endswith("/" + repository):
            return product
    return None


def containers(task_definition) -> Iterator[tuple[int, dict]]:
    """(index, container definition) of a task definition, whatever its form (Terraform's
    `jsonencode` or JSON string, a CloudFormation or awscc list)."""
    value = decode(task_definition.attributes.get("container_definitions"))
    if not isinstance(value, list):
        return
    for index, container in enumerate(value):
        if isinstance(container, dict):
            yield index, container


def task_definitions(service, project) -> list:
    """The task definitions of the scan an ECS service may run (none when it names one
    that is not in the scan, or by a value nothing is known of)."""
    found = [t for ref, t in project.outgoing(service, ("task_definition",))
             if t is not None and t.type == TASK_DEFINITION_TYPE]
    if found:
        return found
    written = service.attributes.get("task_definition")
    match = _FAMILY.match(written.strip()) if isinstance(written, str) else None
    if match is None:
        return []
    return [t for t in project.unit_resources(service.unit, TASK_DEFINITION_TYPE)
            if t.attributes.get("family") == match.group("family")]
