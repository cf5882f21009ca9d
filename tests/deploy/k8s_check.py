"""Offline structural checks of rendered Kubernetes manifests (tests/deploy/kubernetes_test.sh).

No cluster and no OpenAPI schema are available offline, so this checks what breaks a deployment silently:
required fields, DNS-1123 names, selectors that select nothing, port names that do not exist, volumes and
ConfigMap/Secret keys that are not there, ServiceMonitors that match no Service, non-root pods.
Usage: k8s_check.py RENDERED.yml SECRET_EXAMPLE.yml [--self-test]
"""
import copy, re, sys
import yaml

KINDS = {"Namespace": "v1", "ConfigMap": "v1", "Secret": "v1", "Service": "v1", "PersistentVolumeClaim": "v1",
         "Deployment": "apps/v1", "ServiceMonitor": "monitoring.coreos.com/v1",
         "PrometheusRule": "monitoring.coreos.com/v1"}
DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
PORT_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check(docs, secrets):
    errors = []
    err = errors.append
    by_kind = {}
    for d in docs:
        kind, meta = d.get("kind"), d.get("metadata") or {}
        name = meta.get("name", "")
        if kind not in KINDS: err(f"unexpected kind {kind}"); continue
        if d.get("apiVersion") != KINDS[kind]: err(f"{kind}/{name}: apiVersion {d.get('apiVersion')}")
        if not DNS1123.match(name) or len(name) > 253: err(f"{kind}: bad name {name!r}")
        if kind != "Namespace" and meta.get("namespace") != "bam": err(f"{kind}/{name}: namespace {meta.get('namespace')}")
        by_kind.setdefault(kind, {})[name] = d
    cms = by_kind.get("ConfigMap", {})
    pvcs = by_kind.get("PersistentVolumeClaim", {})
    pods = {}
    for name, d in by_kind.get("Deployment", {}).items():
        spec = d["spec"]; tpl = spec["template"]
        plabels = tpl["metadata"].get("labels") or {}
        if not matches(spec["selector"].get("matchLabels"), plabels): err(f"Deployment/{name}: selector does not match its pod labels")
        ps = tpl["spec"]
        if not (ps.get("securityContext") or {}).get("runAsNonRoot"): err(f"Deployment/{name}: runAsNonRoot not set")
        volumes = {v["name"]: v for v in ps.get("volumes", [])}
        ports = set()
        for c in ps["containers"]:
            for f in ("name", "image"):
                if not c.get(f): err(f"Deployment/{name}: container without {f}")
            cports = {p["name"]: p for p in c.get("ports", [])}
            for pn, p in cports.items():
                if not PORT_NAME.match(pn) or len(pn) > 15: err(f"Deployment/{name}: bad port name {pn}")
                if not 0 < p["containerPort"] < 65536: err(f"Deployment/{name}: bad port {p['containerPort']}")
            ports |= set(cports) | {p["containerPort"] for p in cports.values()}
            for probe in ("readinessProbe", "livenessProbe"):
                pr = c.get(probe)
                if not pr: err(f"Deployment/{name}/{c['name']}: no {probe}"); continue
                port = pr.get("httpGet", {}).get("port")
                if port not in cports and port not in {p["containerPort"] for p in cports.values()}:
                    err(f"Deployment/{name}/{c['name']}: {probe} port {port} is not a container port")
            if not (c.get("securityContext") or {}).get("allowPrivilegeEscalation") is False:
                err(f"Deployment/{name}/{c['name']}: allowPrivilegeEscalation not false")
            for m in c.get("volumeMounts", []):
                v = volumes.get(m["name"])
                if v is None: err(f"Deployment/{name}: mount of unknown volume {m['name']}"); continue
                if "configMap" in v:
                    cm = cms.get(v["configMap"]["name"])
                    if cm is None: err(f"Deployment/{name}: ConfigMap {v['configMap']['name']} does not exist")
                    elif m.get("subPath") and m["subPath"] not in cm.get("data", {}):
                        err(f"Deployment/{name}: ConfigMap {cm['metadata']['name']} has no key {m['subPath']}")
                if "secret" in v:
                    sec = secrets.get(v["secret"]["secretName"])
                    if sec is None: err(f"Deployment/{name}: Secret {v['secret']['secretName']} not in the example")
                    else:
                        keys = set(sec.get("stringData", {})) | set(sec.get("data", {}))
                        for item in v["secret"].get("items", []):
                            if item["key"] not in keys: err(f"Deployment/{name}: Secret has no key {item['key']}")
                if "persistentVolumeClaim" in v and v["persistentVolumeClaim"]["claimName"] not in pvcs:
                    err(f"Deployment/{name}: PVC {v['persistentVolumeClaim']['claimName']} does not exist")
        pods[name] = (plabels, ports)
    services = {}
    for name, d in by_kind.get("Service", {}).items():
        sel = d["spec"].get("selector")
        targets = [p for p, (labels, _) in pods.items() if matches(sel, labels)]
        if not targets: err(f"Service/{name}: selector {sel} matches no Deployment's pods"); continue
        for p in d["spec"]["ports"]:
            tp = p.get("targetPort", p["port"])
            if not all(tp in pods[t][1] for t in targets): err(f"Service/{name}: targetPort {tp} not exposed by {targets}")
        services[name] = d
    monitored = set()
    for name, d in by_kind.get("ServiceMonitor", {}).items():
        sel = d["spec"]["selector"].get("matchLabels")
        hits = [s for s, sd in services.items() if matches(sel, sd["metadata"].get("labels") or {})]
        if not hits: err(f"ServiceMonitor/{name}: selector {sel} matches no Service"); continue
        for ep in d["spec"]["endpoints"]:
            for s in hits:
                if ep.get("port") not in {p.get("name") for p in services[s]["spec"]["ports"]}:
                    err(f"ServiceMonitor/{name}: Service {s} has no port named {ep.get('port')}")
        monitored |= set(hits)
    for want in ("bam-exporter", "bam-rulesvc"):
        if want not in by_kind.get("Deployment", {}): err(f"no Deployment {want}")
        if want not in monitored: err(f"no ServiceMonitor scrapes Service {want}")
    if not by_kind.get("PrometheusRule"): err("no PrometheusRule")
    return errors


def self_test(docs, secrets):
    """Each mutation must be caught: proves the checks above are live."""
    def mutate(f):
        ds = copy.deepcopy(docs); f(ds); return ds
    def first(ds, kind, name):
        return next(d for d in ds if d["kind"] == kind and d["metadata"]["name"] == name)
    cases = {
        "service selector": lambda ds: first(ds, "Service", "bam-rulesvc")["spec"].update(selector={"app.kubernetes.io/name": "nope"}),
        "servicemonitor port": lambda ds: first(ds, "ServiceMonitor", "bam-exporter")["spec"]["endpoints"][0].update(port="metrics"),
        "configmap key": lambda ds: first(ds, "Deployment", "bam-rulesvc")["spec"]["template"]["spec"]["containers"][0]["volumeMounts"][0].update(subPath="nope.yml"),
        "deployment selector": lambda ds: first(ds, "Deployment", "bam-exporter")["spec"]["selector"]["matchLabels"].update(x="y"),
        "probe port": lambda ds: first(ds, "Deployment", "bam-exporter")["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"].update(port="web"),
    }
    bad = [name for name, f in cases.items() if not check(mutate(f), secrets)]
    return [f"self-test: mutation '{b}' was not detected" for b in bad]


def main():
    docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
    secrets = {d["metadata"]["name"]: d for d in yaml.safe_load_all(open(sys.argv[2])) if d and d.get("kind") == "Secret"}
    for s in secrets.values():
        for k, v in (s.get("stringData") or {}).items():
            if not str(v).startswith("REPLACE_"): print(f"Secret example: {k} is not a placeholder"); return 1
    errors = check(docs, secrets)
    if "--self-test" in sys.argv: errors += self_test(docs, secrets)
    print("\n".join(errors) if errors else f"{len(docs)} objects checked")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
