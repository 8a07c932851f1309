"""Print the resource shape aws-sam-translator gives a SAM template.

Reads a template on stdin; prints JSON {logical id: {"type": T, "deps": [ids]}}
for the transformed template, where deps are the resources a resource
refers to (Ref, Fn::GetAtt, ${X} in Fn::Sub, DependsOn). SAM's hashed
suffixes (ApiDeployment8251bafb48, FnVersion640128d35d) are cut, as cfnrun
does not compute them. Local CodeUri / DefinitionUri values are replaced by
S3 locations first (the `sam package` step). Used by sam_oracle_test.go.
"""
import json, os, re, sys

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

HASHED = re.compile(r"^(.*(?:Deployment|Version))[0-9a-f]{10}$")

def cut(i):
    m = HASHED.match(i)
    return m.group(1) if m else i

def refs(v, out):
    if isinstance(v, dict):
        if len(v) == 1:
            (k, a), = v.items()
            if k == "Ref" and isinstance(a, str):
                out.add(a); return
            if k == "Fn::GetAtt":
                t = a.split(".")[0] if isinstance(a, str) else a[0]
                out.add(t); return
            if k == "Fn::Sub":
                s, m = (a, {}) if isinstance(a, str) else (a[0], a[1])
                for name in re.findall(r"\$\{([^!}][^}]*)\}", s):
                    n = name.split(".")[0]
                    if n not in m:
                        out.add(n)
                refs(m, out); return
        for x in v.values():
            refs(x, out)
    elif isinstance(v, list):
        for x in v:
            refs(x, out)

def main():
    t = yaml_parse(sys.stdin.read())
    for r in t.get("Resources", {}).values():
        p = r.get("Properties") or {}
        if r.get("Type") == "AWS::Serverless::Function" and isinstance(p.get("CodeUri"), str) and not p["CodeUri"].startswith("s3://"):
            p["CodeUri"] = "s3://bucket/key"
        if r.get("Type") == "AWS::Serverless::Function" and "CodeUri" not in p and "InlineCode" not in p and "ImageUri" not in p:
            p["CodeUri"] = "s3://bucket/key"
    glob = t.get("Globals", {}).get("Function", {})
    if isinstance(glob.get("CodeUri"), str) and not glob["CodeUri"].startswith("s3://"):
        glob["CodeUri"] = "s3://bucket/key"
    class Loader:
        def load(self): return {}
    out = transform(t, {}, Loader())
    res = out.get("Resources", {})
    shape = {}
    for i, r in res.items():
        deps = set()
        refs(r.get("Properties", {}), deps)
        d = r.get("DependsOn", [])
        deps.update([d] if isinstance(d, str) else d)
        shape[cut(i)] = {"type": r["Type"], "deps": sorted(cut(x) for x in deps if x in res)}
    json.dump(shape, sys.stdout, sort_keys=True)

main()
