"""Which container image is a self-hosted vector database (IAC216): the repository path is
matched whole, whatever registry, tag or digest surrounds it."""
from __future__ import annotations

import pytest

from iaclint.aws.vector_images import repository_path, vector_database
from iaclint.model.unknown import Unknown


@pytest.mark.parametrize("image,product", [
    ("qdrant/qdrant", "Qdrant"),
    ("qdrant/qdrant:v1.12.1", "Qdrant"),
    ("docker.io/qdrant/qdrant@sha256:" + "a" * 64, "Qdrant"),
    ("registry.local:5000/qdrant/qdrant:latest", "Qdrant"),
    ("cr.weaviate.io/semitechnologies/weaviate:1.27.0", "Weaviate"),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/milvusdb/milvus:v2.4.15", "Milvus"),
    ("ghcr.io/chroma-core/chroma:0.5.20", "Chroma"),
    ("pgvector/pgvector:pg17", "PostgreSQL with pgvector"),
    ("QDRANT/QDRANT:V1", "Qdrant"),
    ("example/qdrant-proxy:1.0", None),
    ("myqdrant/qdrant", None),
    ("qdrant/qdrant-web-ui", None),
    ("postgres:17", None),
    ("registry.local:5000/app", None),
])
def test_known_images_are_matched_whole(image, product):
    assert vector_database(image) == product


def test_a_registry_port_is_not_a_tag():
    assert repository_path("registry.local:5000/qdrant/qdrant") == "registry.local:5000/qdrant/qdrant"
    assert repository_path("registry.local:5000/qdrant/qdrant:v1") == "registry.local:5000/qdrant/qdrant"


def test_unknown_parts_count_only_when_the_known_text_holds_the_repository():
    registry = Unknown("var.registry", "no value")
    tag = Unknown("var.tag", "no value")
    assert vector_database(Unknown("x", "r", parts=(registry, "/qdrant/qdrant:v1"))) == "Qdrant"
    assert vector_database(Unknown("x", "r", parts=(registry, "/qdrant/qdrant:", tag))) == "Qdrant"
    assert vector_database(Unknown("x", "r", parts=("qdrant/qdrant:", tag))) == "Qdrant"
    assert vector_database(Unknown("x", "r", parts=("qdrant/qdrant", tag))) is None  # `-proxy` or a tag?
    assert vector_database(Unknown("x", "r", parts=("qdrant/", tag))) is None
    assert vector_database(Unknown("x", "r", parts=(registry, "qdrant/qdrant"))) is None  # `my` + `qdrant/qdrant`?
    region = Unknown("AWS::Region", "pseudo parameter")
    assert vector_database(Unknown("x", "r", parts=(registry, ".dkr.ecr.", region, ".amazonaws.com/pgvector/pgvector:pg17"))) \
        == "PostgreSQL with pgvector"
    assert vector_database(Unknown("var.image", "no value")) is None
    assert vector_database(Unknown("x", "r", parts=(registry, "/app:", tag))) is None
