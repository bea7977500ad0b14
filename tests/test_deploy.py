"""deploy/: the compose stack and the Kubernetes manifests pass their validators (no container
engine runs here: the compose-spec JSON schema through check-jsonschema, the Kubernetes
schemas through kubernetes-validate, both pinned from PyPI and offline), say what the README
promises (PostgreSQL and two replicas, health checks, probes, secrets from outside), and the
validators do reject a broken file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from clirun import monitor

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
K8S = sorted((DEPLOY / "k8s").glob("*.yaml"))
BIN = Path(sys.executable).parent


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which(tool, path=str(BIN)) or tool
    return subprocess.run([exe, *args], capture_output=True, text=True, check=False)


def _compose_check(path: Path) -> subprocess.CompletedProcess[str]:
    return _run("check-jsonschema", "--builtin-schema", "vendor.compose-spec", str(path))


def _k8s_check(*paths: Path) -> subprocess.CompletedProcess[str]:
    return _run("kubernetes-validate", "--strict", *map(str, paths))


def test_the_compose_file_passes_the_compose_spec_schema() -> None:
    result = _compose_check(DEPLOY / "compose.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_kubernetes_manifests_pass_the_kubernetes_schemas() -> None:
    result = _k8s_check(*K8S)
    assert result.returncode == 0, result.stdout + result.stderr
    assert {p.name for p in K8S} >= {"deployment.yaml", "service.yaml", "secret.example.yaml"}


def test_the_validators_reject_broken_files(tmp_path: Path) -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    compose["services"]["monitor-1"]["restart_policy"] = "always"  # no such key
    bad = tmp_path / "compose.yaml"
    bad.write_text(yaml.safe_dump(compose))
    assert _compose_check(bad).returncode != 0
    deployment = yaml.safe_load((DEPLOY / "k8s" / "deployment.yaml").read_text())
    deployment["spec"]["replicas"] = "two"
    bad_k8s = tmp_path / "deployment.yaml"
    bad_k8s.write_text(yaml.safe_dump(deployment))
    assert _k8s_check(bad_k8s).returncode != 0


def test_compose_runs_two_migrating_replicas_on_postgres_with_health_checks() -> None:
    services: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    replicas = [s for name, s in services.items() if name.startswith("monitor")]
    assert len(replicas) == 2
    assert services["postgres"]["image"].startswith("postgres:")
    assert "healthcheck" in services["postgres"]
    for replica in replicas:
        assert replica["command"] == ["monitor", "run", "--migrate"]
        assert "/readyz" in " ".join(replica["healthcheck"]["test"])
        assert replica["env_file"] == ["monitor.env"]  # secrets from an env file, not here
        assert replica["depends_on"]["postgres"]["condition"] == "service_healthy"
    example = (DEPLOY / "monitor.env.example").read_text()
    assert "DATABASE_URL=postgresql://" in example and "POSTGRES_PASSWORD=" in example


def test_the_deployment_probes_health_and_readiness_and_takes_secrets_from_a_secret() -> None:
    docs = {p.name: yaml.safe_load(p.read_text()) for p in K8S}
    pod = docs["deployment.yaml"]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["envFrom"] == [{"secretRef": {"name": "monitor-secrets"}}]
    assert docs["secret.example.yaml"]["metadata"]["name"] == "monitor-secrets"
    assert docs["service.yaml"]["spec"]["ports"][0]["port"] == 8080  # /metrics


def test_the_kubernetes_feeds_yaml_is_a_valid_config(tmp_path: Path) -> None:
    config_map = yaml.safe_load((DEPLOY / "k8s" / "configmap.yaml").read_text())
    path = tmp_path / "feeds.yaml"
    path.write_text(config_map["data"]["feeds.yaml"])
    env = {"SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/x"}
    result = monitor("check-config", "--config", str(path), env=env)
    assert result.returncode == 0, result.stderr
