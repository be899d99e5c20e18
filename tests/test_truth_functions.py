"""`anytrue` and `alltrue` are evaluated, and a known item decides them when others are
unknown (`anytrue([var.x, true])` is true, `alltrue([var.x, false])` false).
LuisOsuna117/terraform-aws-agentcore's gateway module computes whether it has MCP targets
with `anytrue([for t in ... : t.target_type == "MCP"])`: the function was not evaluated,
so every count and filter built on it was unknown."""
from __future__ import annotations

from conftest import verdicts_of


TERRAFORM = '''variable "targets" {
  default = { search = { type = "MCP" } }
}

variable "public" {
  type = bool
}

locals {
  has_mcp  = anytrue([for t in values(var.targets) : t.type == "MCP"])
  any_true = anytrue([var.public, true])
  all_true = alltrue([var.public, false])
}

resource "aws_bedrockagentcore_agent_runtime" "tools" {
  count              = local.has_mcp ? 1 : 0
  agent_runtime_name = "tools"
  role_arn           = "arn:aws:iam::111122223333:role/tools"
  agent_runtime_artifact {
    container_configuration {
      container_uri = "111122223333.dkr.ecr.us-east-1.amazonaws.com/tools:1"
    }
  }
  network_configuration {
    network_mode = local.any_true && !local.all_true ? "PUBLIC" : "VPC"
  }
}
'''


def test_anytrue_and_alltrue_decide_with_unknown_items(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    found, _ = verdicts_of(tmp_path, TERRAFORM, ["IAC212"])
    assert found == [
        ("IAC212", 25, "aws_bedrockagentcore_agent_runtime.tools[0]", "FAIL")]
