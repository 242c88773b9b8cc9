"""The Kubernetes manifests in deploy/k8s: valid for current Kubernetes (strict
schemas, so a removed API version or a misspelt field fails), and consistent
in the ways a schema cannot check."""

import copy
import re
import shlex
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from django.urls import resolve

from config import gunicorn as gunicorn_conf
from config import health

BASE_DIR = Path(__file__).resolve().parent.parent
K8S_DIR = BASE_DIR / "deploy" / "k8s"
CONTAINERFILE = BASE_DIR / "deploy" / "Containerfile"
# The newest Kubernetes the validator knows, and the oldest we still support.
KUBERNETES_VERSIONS = [kubernetes_validate.latest_version(), "1.33.0"]


def _load() -> list[tuple[str, dict[str, Any]]]:
    docs = []
    for path in sorted(K8S_DIR.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                docs.append((path.name, doc))
    return docs


DOCS = _load()


def _find(kind: str, name: str) -> dict[str, Any]:
    for _, doc in DOCS:
        if doc["kind"] == kind and doc["metadata"]["name"] == name:
            return doc
    raise AssertionError(f"no {kind} named {name} in deploy/k8s")


def _all(kind: str) -> list[dict[str, Any]]:
    return [doc for _, doc in DOCS if doc["kind"] == kind]


def _pod_specs() -> list[tuple[str, dict[str, Any]]]:
    return [
        (doc["metadata"]["name"], doc["spec"]["template"]["spec"])
        for doc in _all("Deployment") + _all("Job")
    ]


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


def _matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if not all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        if (
            expression["operator"] == "In"
            and labels.get(expression["key"]) not in (expression["values"])
        ):
            return False
    return True


CONFIG = _find("ConfigMap", "littlesteps-config")["data"]
WEB = _find("Deployment", "littlesteps-web")
WORKER = _find("Deployment", "littlesteps-worker")
BEAT = _find("Deployment", "littlesteps-beat")


# --- Schemas ----------------------------------------------------------------


def test_every_kind_a_release_needs_is_there():
    kinds = sorted({doc["kind"] for _, doc in DOCS})
    assert kinds == [
        "ConfigMap",
        "Deployment",
        "HorizontalPodAutoscaler",
        "Ingress",
        "Job",
        "NetworkPolicy",
        "PodDisruptionBudget",
        "Secret",
        "Service",
    ]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize(("filename", "doc"), DOCS, ids=[f"{f}:{d['kind']}" for f, d in DOCS])
def test_every_manifest_is_valid_for_current_kubernetes_in_strict_mode(filename, doc, version):
    kubernetes_validate.validate(doc, version, strict=True)


@pytest.mark.parametrize(
    ("filename", "old_api_version"),
    [
        ("ingress.yaml", "extensions/v1beta1"),
        ("ingress.yaml", "networking.k8s.io/v1beta1"),
        ("web-pdb.yaml", "policy/v1beta1"),
        ("web-hpa.yaml", "autoscaling/v2beta2"),
        ("web-deployment.yaml", "apps/v1beta1"),
    ],
)
def test_a_removed_api_version_fails_validation(filename, old_api_version):
    doc = copy.deepcopy(yaml.safe_load((K8S_DIR / filename).read_text()))
    doc["apiVersion"] = old_api_version
    with pytest.raises(
        (kubernetes_validate.SchemaNotFoundError, kubernetes_validate.ValidationError)
    ):
        kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)


def test_a_misspelt_field_fails_validation():
    doc = copy.deepcopy(_find("PodDisruptionBudget", "littlesteps-web"))
    doc["spec"]["minAvailabel"] = doc["spec"].pop("minAvailable")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)


# --- Wiring -----------------------------------------------------------------


@pytest.mark.parametrize("deployment", _all("Deployment"), ids=lambda d: d["metadata"]["name"])
def test_each_deployment_selects_its_own_pods_and_no_others(deployment):
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert _matches(deployment["spec"]["selector"], labels)
    for other in _all("Deployment"):
        if other is not deployment:
            other_labels = other["spec"]["template"]["metadata"]["labels"]
            assert not _matches(deployment["spec"]["selector"], other_labels)


def test_the_service_pdb_and_network_policy_select_the_web_pods_only():
    web_labels = WEB["spec"]["template"]["metadata"]["labels"]
    others = [d["spec"]["template"]["metadata"]["labels"] for d in (WORKER, BEAT)]
    service = _find("Service", "littlesteps-web")
    pdb = _find("PodDisruptionBudget", "littlesteps-web")
    policy = _find("NetworkPolicy", "littlesteps-web")
    for selector in (
        {"matchLabels": service["spec"]["selector"]},
        pdb["spec"]["selector"],
        policy["spec"]["podSelector"],
    ):
        assert _matches(selector, web_labels)
        assert not any(_matches(selector, labels) for labels in others)
    port_names = {p["name"] for p in _container(WEB)["ports"]}
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= port_names


def test_the_ingress_sends_to_the_web_service():
    ingress = _find("Ingress", "littlesteps")
    service = _find("Service", "littlesteps-web")
    for rule in ingress["spec"]["rules"]:
        assert rule["host"] in CONFIG["DJANGO_ALLOWED_HOSTS"].split(",")
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            assert backend["name"] == "littlesteps-web"
            assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}


def test_the_autoscalers_target_real_deployments_and_never_the_beat():
    targets = {
        hpa["spec"]["scaleTargetRef"]["name"]: hpa for hpa in _all("HorizontalPodAutoscaler")
    }
    assert set(targets) == {"littlesteps-web", "littlesteps-worker"}
    for name, hpa in targets.items():
        deployment = _find("Deployment", name)
        assert hpa["spec"]["minReplicas"] == deployment["spec"]["replicas"]
        assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]


def test_every_pod_reads_the_config_map_and_secret_that_exist():
    secret = _find("Secret", "littlesteps-secrets")
    for name, spec in _pod_specs():
        for container in spec["containers"]:
            sources = container["envFrom"]
            assert {"configMapRef": {"name": "littlesteps-config"}} in sources, name
            assert {"secretRef": {"name": secret["metadata"]["name"]}} in sources, name


def test_the_secret_example_holds_no_real_secret():
    secret = _find("Secret", "littlesteps-secrets")
    assert "data" not in secret
    values = secret["stringData"]
    assert values["DJANGO_SECRET_KEY"] == "replace-me"
    for value in values.values():
        if "@" in value:  # a URL with credentials
            assert ":replace-me@" in value


def test_every_setting_in_the_config_map_is_documented_in_the_readme():
    readme = (BASE_DIR / "README.md").read_text()
    missing = [key for key in CONFIG if key not in readme]
    assert not missing


# --- Zero downtime ----------------------------------------------------------


def test_web_rolls_out_one_extra_pod_at_a_time_and_never_drops_below_three():
    assert WEB["spec"]["replicas"] == 3
    assert WEB["spec"]["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
    }


@pytest.mark.parametrize(
    ("pdb_name", "deployment_name"),
    [("littlesteps-web", "littlesteps-web"), ("littlesteps-worker", "littlesteps-worker")],
)
def test_the_disruption_budget_keeps_pods_up_but_lets_a_node_drain(pdb_name, deployment_name):
    pdb = _find("PodDisruptionBudget", pdb_name)
    deployment = _find("Deployment", deployment_name)
    hpa_min = next(
        h["spec"]["minReplicas"]
        for h in _all("HorizontalPodAutoscaler")
        if h["spec"]["scaleTargetRef"]["name"] == deployment_name
    )
    assert 1 <= pdb["spec"]["minAvailable"] < min(deployment["spec"]["replicas"], hpa_min)
    assert _matches(pdb["spec"]["selector"], deployment["spec"]["template"]["metadata"]["labels"])
    if pdb_name == "littlesteps-web":
        assert pdb["spec"]["minAvailable"] == 2


def _seconds(name: str) -> float:
    """A gunicorn setting from the ConfigMap, else gunicorn's own default."""
    defaults = {
        "GUNICORN_GRACEFUL_TIMEOUT": gunicorn_conf.graceful_timeout,
        "GUNICORN_DRAIN_SECONDS": gunicorn_conf.DRAIN_SECONDS,
        "GUNICORN_KEEPALIVE": gunicorn_conf.keepalive,
    }
    return float(CONFIG.get(name, defaults[name]))


def test_the_grace_period_outlasts_pre_stop_drain_and_graceful_timeout():
    spec = WEB["spec"]["template"]["spec"]
    pre_stop = _container(WEB)["lifecycle"]["preStop"]["sleep"]["seconds"]
    needed = pre_stop + _seconds("GUNICORN_DRAIN_SECONDS") + _seconds("GUNICORN_GRACEFUL_TIMEOUT")
    assert pre_stop >= 5
    assert spec["terminationGracePeriodSeconds"] > needed


def _probe_path(probe: dict[str, Any]):
    return resolve(probe["httpGet"]["path"]).func


def test_probes_point_at_the_real_health_endpoints():
    container = _container(WEB)
    assert _probe_path(container["readinessProbe"]) is health.readyz
    assert _probe_path(container["livenessProbe"]) is health.healthz
    assert _probe_path(container["startupProbe"]) is health.healthz
    port_names = {p["name"] for p in container["ports"]}
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["port"] in port_names


def test_readiness_notices_a_drain_well_before_it_ends():
    probe = _container(WEB)["readinessProbe"]
    noticed_within = probe["periodSeconds"] * probe["failureThreshold"] + probe["timeoutSeconds"]
    pre_stop = _container(WEB)["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert noticed_within < pre_stop + _seconds("GUNICORN_DRAIN_SECONDS")


def test_probes_pass_django_host_checks_and_are_not_answered_by_the_https_redirect():
    # A 301 counts as a probe success, so a redirect would hide a failing /readyz.
    allowed = CONFIG["DJANGO_ALLOWED_HOSTS"].split(",")
    container = _container(WEB)
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        headers = {
            h["name"].lower(): h["value"] for h in container[probe]["httpGet"]["httpHeaders"]
        }
        assert headers["host"] in allowed
        if CONFIG.get("DJANGO_SECURE_SSL_REDIRECT") == "1":
            assert CONFIG["DJANGO_BEHIND_TLS_PROXY"] == "1"
            assert headers["x-forwarded-proto"] == "https"
            assert CONFIG["GUNICORN_FORWARDED_ALLOW_IPS"] == "*"


def test_the_ingress_closes_idle_connections_before_gunicorn_does():
    annotations = _find("Ingress", "littlesteps")["metadata"]["annotations"]
    keepalive = _seconds("GUNICORN_KEEPALIVE")
    timeouts = [
        float(annotations[f"nginx.ingress.kubernetes.io/{name}"])
        for name in ("proxy-read-timeout", "proxy-send-timeout")
    ]
    assert all(0 < timeout < keepalive for timeout in timeouts)
    text = (K8S_DIR / "ingress.yaml").read_text()
    upstream_idle = re.search(r'upstream-keepalive-timeout: "(\d+)"', text)
    assert upstream_idle and int(upstream_idle.group(1)) < keepalive


def test_the_beat_runs_once_and_is_stopped_before_a_new_one_starts():
    assert BEAT["spec"]["replicas"] == 1
    assert BEAT["spec"]["strategy"] == {"type": "Recreate"}
    beat_labels = BEAT["spec"]["template"]["metadata"]["labels"]
    assert not any(
        _matches(pdb["spec"]["selector"], beat_labels) for pdb in _all("PodDisruptionBudget")
    )


def test_workers_finish_their_longest_task_before_they_are_killed():
    command = _container(WORKER)["command"]
    assert command[:4] == ["celery", "--app", "config", "worker"]
    time_limit = float(command[command.index("--time-limit") + 1])
    soft_limit = float(command[command.index("--soft-time-limit") + 1])
    assert soft_limit < time_limit
    assert WORKER["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > time_limit
    # No preStop: Celery's own SIGTERM handling is the warm shutdown.
    assert "lifecycle" not in _container(WORKER)


def test_migrations_run_as_a_job_that_does_not_restart_forever():
    job = _find("Job", "littlesteps-migrate")
    spec = job["spec"]["template"]["spec"]
    assert spec["restartPolicy"] == "Never"
    assert spec["containers"][0]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert job["spec"]["backoffLimit"] <= 3
    assert job["spec"]["activeDeadlineSeconds"] > 0


# --- Hardening --------------------------------------------------------------


@pytest.mark.parametrize(("name", "spec"), _pod_specs(), ids=[n for n, _ in _pod_specs()])
def test_every_pod_runs_as_non_root_on_a_read_only_root_filesystem(name, spec):
    pod = spec["securityContext"]
    assert pod["runAsNonRoot"] is True
    assert pod["runAsUser"] > 0
    assert pod["seccompProfile"] == {"type": "RuntimeDefault"}
    assert spec["automountServiceAccountToken"] is False
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    for container in spec["containers"]:
        security = container["securityContext"]
        assert security["runAsNonRoot"] is True
        assert security["allowPrivilegeEscalation"] is False
        assert security["readOnlyRootFilesystem"] is True
        assert security["capabilities"] == {"drop": ["ALL"]}
        assert security["seccompProfile"] == {"type": "RuntimeDefault"}
        assert "privileged" not in security
        resources = container["resources"]
        assert set(resources["requests"]) == {"cpu", "memory"}
        assert set(resources["limits"]) == {"cpu", "memory"}
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        assert "emptyDir" in volumes[mounts["/tmp"]]
        assert container["image"] == _container(WEB)["image"]


def test_the_web_pods_keep_gunicorns_heartbeat_files_in_memory():
    spec = WEB["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in spec["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in _container(WEB)["volumeMounts"]}
    assert volumes[mounts["/dev/shm"]]["emptyDir"]["medium"] == "Memory"


# --- Container image --------------------------------------------------------


def test_the_image_runs_gunicorn_with_the_production_config_as_a_numeric_non_root_user():
    text = CONTAINERFILE.read_text()
    instructions = [
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]
    assert any(
        re.fullmatch(r"FROM python:3\.11-slim(@sha256:[0-9a-f]{64})?", i) for i in instructions
    )
    (user,) = [i for i in instructions if i.startswith("USER ")]
    uid = int(user.split()[1].split(":")[0])
    assert uid > 0
    for _, spec in _pod_specs():
        assert spec["securityContext"]["runAsUser"] == uid
    (cmd,) = [i for i in instructions if i.startswith("CMD ")]
    # Exec form: gunicorn is PID 1 and receives the SIGTERM itself.
    assert yaml.safe_load(cmd.removeprefix("CMD ")) == [
        "gunicorn",
        "--config",
        "config/gunicorn.py",
        "config.wsgi",
    ]
    assert _container(WEB)["command"] == yaml.safe_load(cmd.removeprefix("CMD "))


def test_the_image_collects_static_files_with_a_build_only_secret():
    text = CONTAINERFILE.read_text()
    (line,) = [line for line in text.replace("\\\n", " ").splitlines() if "collectstatic" in line]
    words = shlex.split(line.removeprefix("RUN "))
    secrets_given = [w for w in words if w.startswith("DJANGO_SECRET_KEY=")]
    assert secrets_given and "build-only" in secrets_given[0]
    assert "ENV DJANGO_SECRET_KEY" not in text
    assert "requirements.txt" in text
