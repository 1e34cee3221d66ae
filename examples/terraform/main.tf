# A complete Cordum configuration: who may publish, which packs are published,
# where they run, with which extra policy, and a token for CI. It reads the
# registry address and an admin token from CORDUM_REGISTRY and CORDUM_TOKEN.
# The tour in docs/terraform.md builds and signs the packs of examples/packs
# into ../../build and installs the provider here before `terraform init`.

terraform {
  required_providers {
    cordum = {
      source  = "cordum.local/cordum/cordum"
      version = "0.1.0"
    }
  }
}

provider "cordum" {}

variable "build_dir" {
  description = "Where `cordum pack build` and `cordum pack sign` wrote the tarballs."
  type        = string
  default     = "../../build"
}

variable "public_key" {
  description = "The public half of the key the tarballs are signed with."
  type        = string
  default     = "../../.cordum/keys/cordum.pub"
}

# The key CI signs with, trusted for the `default` publisher.
resource "cordum_publisher_key" "ci" {
  publisher  = "default"
  public_key = file(var.public_key)
}

resource "cordum_pack_version" "echo_tools" {
  tarball    = "${var.build_dir}/echo-tools-0.2.0.tgz"
  depends_on = [cordum_publisher_key.ci]
}

resource "cordum_pack_version" "ops_guard" {
  tarball    = "${var.build_dir}/ops-guard-1.0.0.tgz"
  depends_on = [cordum_publisher_key.ci]
}

# Production runs both packs. Taking the ids from the published versions makes
# the ranges resolve once those versions exist, so one apply does it all.
resource "cordum_deployment" "prod" {
  name        = "prod"
  description = "Production agents"

  pack {
    id    = cordum_pack_version.echo_tools.published_pack_id
    range = "~0.2.0"
  }
  pack {
    id    = cordum_pack_version.ops_guard.published_pack_id
    range = "^1.0.0"
  }
}

# Operator rules on top of the packs' own; the first match decides.
resource "cordum_policy_bundle" "freeze" {
  deployment = cordum_deployment.prod.name
  name       = "change-freeze"

  rule {
    id       = "freeze-deploys"
    decision = "require_approval"
    reason   = "Change freeze: every deploy needs a second pair of eyes."
    match {
      topics = ["job.ops-guard.deploy"]
    }
  }

  rule {
    id       = "bounded-greetings"
    decision = "allow_with_constraints"
    match {
      topics = ["job.echo-tools.*"]
    }
    constraints {
      budgets {
        max_runtime_ms = 10000
        max_retries    = 2
      }
    }
  }
}

# A token CI can publish with. Its secret is in the state: keep the state safe.
resource "cordum_token" "ci" {
  name   = "ci-publisher"
  scopes = ["read", "publish"]
}

data "cordum_pack" "ops_guard" {
  id         = "ops-guard"
  range      = "^1.0.0"
  depends_on = [cordum_pack_version.ops_guard]
}

data "cordum_catalog" "all" {
  depends_on = [cordum_pack_version.echo_tools, cordum_pack_version.ops_guard]
}

# What would production decide for an agent that wants to delete a service?
data "cordum_policy_decision" "delete" {
  deployment = cordum_deployment.prod.name
  topic      = "job.ops-guard.delete"
  pack_id    = "ops-guard"
  depends_on = [cordum_policy_bundle.freeze]
}

output "deployed" {
  value = { for p in cordum_deployment.prod.pack : p.id => p.version }
}

output "snapshot_hash" {
  value = cordum_deployment.prod.snapshot_hash
}

output "delete_decision" {
  value = "${data.cordum_policy_decision.delete.decision} (${data.cordum_policy_decision.delete.rule_id})"
}

output "catalog" {
  value = [for p in data.cordum_catalog.all.packs : "${p.id}@${p.version}"]
}

output "ops_guard_signer" {
  value = data.cordum_pack.ops_guard.signer
}

output "ci_token" {
  value     = cordum_token.ci.token
  sensitive = true
}
