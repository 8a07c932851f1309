package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// TestDeployFiles keeps Dockerfile and deploy/ true to the CLI: the flags
// they pass exist in `cfnrun up --help`, the ports and service names
// meet, the ConfigMap's template is deploy/template.yaml and passes
// validate, and up started with the Deployment's arguments answers the
// probes' path and the template's routes. With a container engine or
// kubectl on the machine, the image is built and the kustomization
// rendered too.
func TestDeployFiles(t *testing.T) {
	root := filepath.Join("..", "..")
	read := func(name string) []byte {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var help bytes.Buffer
	run(context.Background(), []string{"up", "--help"}, nil, &help, &help)
	flagRe := regexp.MustCompile(`(?m)^\s+-([a-z0-9-]+)`)
	flags := map[string]bool{}
	for _, m := range flagRe.FindAllStringSubmatch(help.String(), -1) {
		flags[m[1]] = true
	}
	if !flags["state"] || !flags["addr"] {
		t.Fatalf("cannot read the flags of up --help:\n%s", help.String())
	}
	// checkArgs: an up command line whose flags exist; it returns the
	// value of each flag.
	checkArgs := func(where string, args []string) map[string]string {
		t.Helper()
		if len(args) == 0 || args[0] != "up" {
			t.Fatalf("%s: runs %q, want up", where, args)
		}
		vals := map[string]string{}
		for i := 1; i < len(args); i++ {
			a := args[i]
			if !strings.HasPrefix(a, "-") {
				continue
			}
			name, v, hasV := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if !flags[name] {
				t.Errorf("%s: flag %s is not a flag of cfnrun up", where, a)
				continue
			}
			if !hasV && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") || !hasV && i+1 < len(args) && args[i+1] == "" {
				v = args[i+1]
				i++
			}
			vals[name] = v
		}
		return vals
	}
	port := func(addr string) string {
		_, p, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatalf("address %q: %v", addr, err)
		}
		return p
	}

	// Dockerfile: two stages, a static binary, a non-root user, the
	// binary as the entry point, up on every interface by default.
	df := string(read("Dockerfile"))
	if n := len(regexp.MustCompile(`(?m)^FROM `).FindAllString(df, -1)); n < 2 {
		t.Errorf("Dockerfile has %d stages, want a builder and a final one", n)
	}
	for _, want := range []string{"CGO_ENABLED=0", "-o /out/cfnrun ./cmd/cfnrun", "COPY --from=build /out/cfnrun /usr/local/bin/cfnrun",
		`ENTRYPOINT ["/usr/local/bin/cfnrun"]`, "COPY templates/default.yaml templates/", "COPY examples/ examples/"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if u := regexp.MustCompile(`(?m)^USER (\S+)`).FindStringSubmatch(df); u == nil || strings.HasPrefix(u[1], "0") || strings.HasPrefix(u[1], "root") {
		t.Errorf("Dockerfile USER %v: want a non-root user", u)
	}
	var cmd []string
	if m := regexp.MustCompile(`(?m)^CMD (\[.*\])$`).FindStringSubmatch(df); m == nil || yaml.Unmarshal([]byte(m[1]), &cmd) != nil {
		t.Fatalf("Dockerfile CMD is not an exec-form list")
	}
	dv := checkArgs("Dockerfile CMD", cmd)
	if !strings.HasPrefix(dv["addr"], "0.0.0.0:") || !strings.Contains(df, "EXPOSE "+port(dv["addr"])) {
		t.Errorf("Dockerfile: up listens on %q; want 0.0.0.0 and the port EXPOSEd", dv["addr"])
	}
	for _, line := range strings.Split(string(read(".dockerignore")), "\n") {
		if slices.Contains([]string{"cmd", "templates", "examples", "go.mod", "go.sum", "internal", "runtime", "*.go"}, strings.Trim(line, "/ ")) {
			t.Errorf(".dockerignore leaves out %s, which the build needs", line)
		}
	}

	// Kubernetes.
	type probe struct {
		HTTPGet *struct {
			Path string
			Port string
		} `yaml:"httpGet"`
	}
	type container struct {
		Name  string
		Args  []string
		Ports []struct {
			Name          string
			ContainerPort int `yaml:"containerPort"`
		}
		ReadinessProbe *probe `yaml:"readinessProbe"`
		LivenessProbe  *probe `yaml:"livenessProbe"`
		Resources      struct{ Limits map[string]string }
	}
	type object struct {
		Kind     string
		Metadata struct{ Name string }
		Data     map[string]string
		Spec     struct {
			Replicas int
			Ports    []struct {
				Port       int
				TargetPort any `yaml:"targetPort"`
			}
			Template struct {
				Spec struct {
					Containers []container
				}
			}
		}
	}
	var objs []object
	for _, f := range []string{"deploy/k8s/configmap.yaml", "deploy/k8s/cfnrun.yaml", "deploy/k8s/redis.yaml"} {
		dec := yaml.NewDecoder(bytes.NewReader(read(f)))
		for {
			var o object
			if err := dec.Decode(&o); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			objs = append(objs, o)
		}
	}
	find := func(kind, name string) *object {
		for i := range objs {
			if objs[i].Kind == kind && objs[i].Metadata.Name == name {
				return &objs[i]
			}
		}
		t.Fatalf("deploy/k8s has no %s %s", kind, name)
		return nil
	}
	dep := find("Deployment", "cfnrun")
	if dep.Spec.Replicas < 2 {
		t.Errorf("Deployment cfnrun: %d replicas, want several", dep.Spec.Replicas)
	}
	c := dep.Spec.Template.Spec.Containers[0]
	kv := checkArgs("Deployment cfnrun", c.Args)
	if len(c.Ports) != 1 || strconv.Itoa(c.Ports[0].ContainerPort) != port(kv["addr"]) {
		t.Errorf("Deployment cfnrun: container ports %+v, up listens on %q", c.Ports, kv["addr"])
	}
	if c.Resources.Limits["memory"] == "" || c.Resources.Limits["cpu"] == "" {
		t.Errorf("Deployment cfnrun: no resource limits")
	}
	var probePath string
	for _, p := range []*probe{c.ReadinessProbe, c.LivenessProbe} {
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Port != c.Ports[0].Name {
			t.Fatalf("Deployment cfnrun: a probe is not an httpGet on port %q", c.Ports[0].Name)
		}
		probePath = p.HTTPGet.Path
	}
	svc := find("Service", "cfnrun")
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].TargetPort != c.Ports[0].Name {
		t.Errorf("Service cfnrun targets %v, want the container port %q", svc.Spec.Ports, c.Ports[0].Name)
	}
	redisHost := strings.TrimPrefix(kv["state"], "redis://")
	redisHost, _, _ = strings.Cut(redisHost, "/")
	rsvc := find("Service", strings.Split(redisHost, ":")[0])
	if len(rsvc.Spec.Ports) != 1 || strconv.Itoa(rsvc.Spec.Ports[0].Port) != port(redisHost) {
		t.Errorf("--state %s: Service %s ports %v", kv["state"], rsvc.Metadata.Name, rsvc.Spec.Ports)
	}
	find("Deployment", rsvc.Metadata.Name)
	tpl := read("deploy/template.yaml")
	if cm := find("ConfigMap", "cfnrun-template"); cm.Data["template.yaml"] != string(tpl) {
		t.Errorf("the ConfigMap's template.yaml differs from deploy/template.yaml")
	}
	tplArg := c.Args[len(c.Args)-1]
	if filepath.Base(tplArg) != "template.yaml" {
		t.Errorf("Deployment cfnrun serves %q, not the ConfigMap's template.yaml", tplArg)
	}

	// docker compose: each replica runs the same command, publishes up's
	// port, and names the redis service.
	var compose struct {
		Services map[string]struct {
			Command []string
			Ports   []string
			Volumes []string
		}
	}
	if err := yaml.Unmarshal(read("deploy/docker-compose.yml"), &compose); err != nil {
		t.Fatal(err)
	}
	if _, ok := compose.Services["redis"]; !ok {
		t.Fatal("docker-compose.yml has no redis service")
	}
	replicas := 0
	for name, s := range compose.Services {
		if name == "redis" {
			continue
		}
		replicas++
		cv := checkArgs("docker-compose "+name, s.Command)
		host := strings.TrimPrefix(cv["state"], "redis://")
		if h, _, _ := strings.Cut(host, ":"); h != "redis" {
			t.Errorf("docker-compose %s: --state %q does not name the redis service", name, cv["state"])
		}
		if len(s.Ports) != 1 || !strings.HasSuffix(s.Ports[0], ":"+port(cv["addr"])) {
			t.Errorf("docker-compose %s: ports %v, up listens on %q", name, s.Ports, cv["addr"])
		}
		if len(s.Volumes) != 1 || !strings.HasPrefix(s.Volumes[0], "./template.yaml:"+s.Command[len(s.Command)-1]) {
			t.Errorf("docker-compose %s: volumes %v do not mount template.yaml at %s", name, s.Volumes, s.Command[len(s.Command)-1])
		}
	}
	if replicas < 2 {
		t.Errorf("docker-compose.yml runs %d cfnrun replicas, want 2 or 3", replicas)
	}

	// The template validates, and up run with the Deployment's arguments
	// (listening on loopback, the template where the ConfigMap would be)
	// answers the probes and the routes.
	dir := t.TempDir()
	path := filepath.Join(dir, "template.yaml")
	if err := os.WriteFile(path, tpl, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"validate", path}, nil, &out, &out); code != 0 {
		t.Fatalf("cfnrun validate deploy/template.yaml: exit %d\n%s", code, out.String())
	}
	var args []string
	for i := 1; i < len(c.Args)-1; i++ {
		switch c.Args[i] {
		case "--addr", "--tls-addr":
			i++
			continue
		case "--state":
			// A real Redis would be the cluster's; an unreachable one
			// exercises --state-fail open.
			args = append(args, "--state", "redis://127.0.0.1:1/0")
			i++
			continue
		}
		args = append(args, c.Args[i])
	}
	p := startUp(t, append(args, "--no-watch", path)...)
	client := &http.Client{Timeout: 30 * time.Second}
	for _, tc := range []struct {
		path, key string
		want      int
	}{{probePath, "", 200}, {"/prod/health", "", 200}, {"/prod/orders", "", 403}, {"/prod/orders", "preview-key-0123456789abcdef", 200}} {
		req, _ := http.NewRequest("GET", "http://"+p.http+tc.path, nil)
		if tc.key != "" {
			req.Header.Set("X-Api-Key", tc.key)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("GET %s (key %q): %d, want %d", tc.path, tc.key, resp.StatusCode, tc.want)
		}
	}

	if kubectl, err := exec.LookPath("kubectl"); err == nil {
		if out, err := exec.Command(kubectl, "kustomize", filepath.Join(root, "deploy", "k8s")).CombinedOutput(); err != nil {
			t.Errorf("kubectl kustomize deploy/k8s: %v\n%s", err, out)
		}
	}
	buildImage(t, root)
}

// buildImage builds the Dockerfile with the first container engine that
// answers (docker, podman, buildah); none: skipped.
func buildImage(t *testing.T, root string) {
	for _, engine := range []string{"docker", "podman", "buildah"} {
		bin, err := exec.LookPath(engine)
		if err != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err = exec.CommandContext(ctx, bin, "info").Run()
		cancel()
		if err != nil {
			continue
		}
		buildArgs := []string{"build", "-t", "cfnrun:test", "-f", filepath.Join(root, "Dockerfile"), root}
		if engine == "buildah" {
			buildArgs = append([]string{"bud"}, buildArgs[1:]...)
		}
		if out, err := exec.Command(bin, buildArgs...).CombinedOutput(); err != nil {
			t.Errorf("%s build: %v\n%s", engine, err, out)
		}
		return
	}
	t.Log("no container engine answers (docker, podman, buildah): the image is not built")
}
