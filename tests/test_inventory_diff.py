"""`iaclint inventory --diff REF` and the pull-request section of `scan --diff -f markdown`
and `-f github`: what a change adds to and removes from the AI inventory, against the merge
base, with the base read from git's object store; and that no hook or filter of the
scanned repository runs."""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from conftest import FIXTURES

from iaclint.faces.cli import main

BASE = (FIXTURES / "examples" / "bedrock-secure" / "terraform" / "main.tf").read_text(encoding="utf-8")
VARIABLES = (FIXTURES / "examples" / "bedrock-secure" / "terraform" / "variables.tf").read_text(encoding="utf-8")
PUBLIC_CHAT = (FIXTURES / "policies" / "public-entry-reaches-ai" / "fail_function_url" / "main.tf").read_text(
    encoding="utf-8").replace('"docs"', '"chat_docs"').replace("knowledge_base.docs.", "knowledge_base.chat_docs.")


def git(cwd, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args], cwd=cwd, env=env,
                   check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "main.tf").write_text(BASE, encoding="utf-8")
    (stack / "variables.tf").write_text(VARIABLES, encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_change_that_adds_a_public_entry_adds_its_assets_and_attack_path(repo, capsys):
    (repo / "stack" / "chat.tf").write_text(PUBLIC_CHAT, encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "public chat")
    code, out, err = run(capsys, "inventory", "stack", "--diff", "main", "--no-cache", "-f", "json")
    assert code == 1, err  # an attack path was added
    diff = json.loads(out)["diff"]
    added = {(a["kind"], a["name"]) for a in diff["added_assets"]}
    assert {("knowledge-base", "aws_bedrockagent_knowledge_base.chat_docs"), ("function", "aws_lambda_function.chat"),
            ("api", "aws_lambda_function_url.fail_chat"), ("role", "aws_iam_role.chat")} <= added
    assert diff["removed_assets"] == [] and diff["removed_paths"] == []
    assert [(p["policy_id"], p["file"], p["line"]) for p in diff["added_paths"]] == [("IAC605", "stack/chat.tf", 27)]
    code, out, _ = run(capsys, "inventory", "stack", "--diff", "main", "--no-cache")
    assert "  adds knowledge base `aws_bedrockagent_knowledge_base.chat_docs`, IAC605: Anyone on the internet" in out


def test_removing_the_entry_removes_the_path_and_the_base_side_reads_no_checkout(repo, capsys):
    (repo / "stack" / "chat.tf").write_text(PUBLIC_CHAT, encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "public chat")
    git(repo, "branch", "-q", "with-chat")
    (repo / "stack" / "chat.tf").unlink()  # uncommitted: the working tree is what is compared
    code, out, err = run(capsys, "inventory", "stack", "--diff", "with-chat", "--no-cache", "-f", "json")
    assert code == 0, err
    diff = json.loads(out)["diff"]
    assert [p["policy_id"] for p in diff["removed_paths"]] == ["IAC605"]
    assert diff["removed_paths"][0]["file"] == "stack/chat.tf"  # the repository's path, not the temporary copy
    assert "aws_lambda_function.chat" in {a["name"] for a in diff["removed_assets"]}
    # ids too name the repository's unit, never the temporary copy the base was read into
    assert "stack#aws_lambda_function.chat" in {a["id"] for a in diff["removed_assets"]}
    assert all(a["id"].startswith("stack#") for a in diff["removed_assets"] if a["location"])


def test_the_scan_reports_gain_a_section_on_the_inventory(repo, capsys):
    (repo / "stack" / "chat.tf").write_text(PUBLIC_CHAT, encoding="utf-8")
    code, out, _ = run(capsys, "scan", "stack", "--diff", "main", "--no-cache", "-f", "markdown")
    section = out.split("### AI assets and attack paths this change adds or removes", 1)[1]
    assert "- This change **adds** attack path IAC605 public-entry-reaches-ai: Anyone on the internet" in section
    assert "(stack/chat.tf:27)" in section
    code, out, _ = run(capsys, "scan", "stack", "--diff", "main", "--no-cache", "-f", "github")
    notices = [line for line in out.splitlines() if line.startswith("::notice") and "AI inventory" in line]
    assert any("file=stack/chat.tf,line=27" in n and "This change adds attack path IAC605" in n for n in notices)
    code, out, _ = run(capsys, "scan", "stack", "--no-cache", "-f", "markdown")
    assert "AI assets and attack paths" not in out  # only with --diff


def test_no_hook_or_filter_of_the_repository_runs(repo, capsys, tmp_path_factory):
    """The base side is read with ls-tree and cat-file: a post-checkout hook, a smudge
    filter and an fsmonitor command configured by the repository never run."""
    canary = tmp_path_factory.mktemp("canary") / "ran"
    script = repo / ".git" / "hooks" / "post-checkout"
    script.write_text(f"#!/bin/sh\ntouch {canary}\n")
    script.chmod(0o755)
    git(repo, "config", "core.fsmonitor", f"touch {canary} #")
    git(repo, "config", "filter.evil.smudge", f"touch {canary}; cat")
    (repo / ".gitattributes").write_text("*.tf filter=evil\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "attributes")
    (repo / "stack" / "chat.tf").write_text(PUBLIC_CHAT, encoding="utf-8")
    if canary.exists():
        canary.unlink()  # git itself ran them while the test committed
    code, _, err = run(capsys, "inventory", "stack", "--diff", "main", "--no-cache")
    assert code == 1, err
    assert not canary.exists()


def test_diff_errors_are_usage_errors(repo, capsys):
    code, _, err = run(capsys, "inventory", "stack", "--diff", "no-such-branch", "--no-cache")
    assert code == 2 and "unknown git ref 'no-such-branch'" in err
    code, _, err = run(capsys, "inventory", "stack", "--diff", "--upload-pack=x", "--no-cache")
    assert code == 2
