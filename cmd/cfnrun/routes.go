package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/cfnrun/cfnrun/cmd/cfnrun/internal/heapplan"
	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/resolver"
)

// resolveForCommand resolves paths and prints findings when they stop the
// command; ok is false when the command should exit with code.
func resolveForCommand(e *env, name string, paths []string, in *inputFlags, allowExtensions bool) (r *resolver.Result, code int, ok bool) {
	if len(paths) == 0 {
		fmt.Fprintf(e.stderr, "cfnrun %s: name a template (FILE or Terraform directory)\n", name)
		return nil, exitUsage, false
	}
	if e.process {
		heapplan.Prepare(name, paths, false)
	}
	opts := in.options()
	opts.AllowExtensions = allowExtensions
	if r = resolve(e.ctx, paths, opts); r == nil {
		return nil, interrupted(e, name), false
	}
	if bad := unreadable(r); len(bad) > 0 {
		_ = diag.WriteText(e.stderr, r.Files, bad.Sort())
		fmt.Fprintf(e.stderr, "cfnrun %s: cannot read the template; fix the errors above and run it again.\n", name)
		return r, exitUsage, false
	}
	if n := r.Diags.Count(diag.Error); n > 0 {
		fmt.Fprintf(e.stderr, "cfnrun %s: the template has %d error(s) that would stop a deployment; to see them, run: %s\n", name, n, in.validateLine(allowExtensions, paths...))
	}
	return r, 0, true
}

func routesCommand() command {
	c := command{
		name:    "routes",
		summary: "print the route table: every stage, method and path, with its integration",
		usage:   "cfnrun routes [--format text|json|model] [--stage S] FILE...",
		example: "cfnrun routes examples/seed/template.yaml\ncfnrun routes --format json --stage prod template.yaml | jq '.routes[].path'",
	}
	c.run = func(e *env, args []string) int {
		fs := newFlagSet(e, &c)
		format := fs.String("format", "text", "output `format`: text, json, or model (the full API model dump)")
		stage := fs.String("stage", "", "only routes of this `stage`")
		base := fs.String("base-url", "http://127.0.0.1:8080", "URL prefix to print full URLs with (where 'cfnrun up' listens)")
		in := addInputFlags(fs)
		allowExt := fs.Bool("allow-extensions", false, "do not count cfnrun's extensions (Http2Enabled, ConnectionType: HTTP2) as errors")
		if code, ok := parseFlags(e, fs, args); !ok {
			return code
		}
		r, code, ok := resolveForCommand(e, "routes", fs.Args(), in, *allowExt)
		if !ok {
			return code
		}
		var routes []model.Route
		stages := map[string]bool{}
		for _, rt := range model.Routes(r.Template) {
			stages[rt.Stage] = true
			if *stage == "" || rt.Stage == *stage {
				routes = append(routes, rt)
			}
		}
		var wsRoutes []model.WebSocketRoute
		for _, rt := range model.WebSocketRoutes(r.Template) {
			stages[rt.Stage] = true
			if *stage == "" || rt.Stage == *stage {
				wsRoutes = append(wsRoutes, rt)
			}
		}
		if *stage != "" && !stages[*stage] {
			names := diag.Names(stages)
			fmt.Fprintf(e.stderr, "cfnrun routes: the template has no stage %q.%s Its stages: %s.\n", *stage, didYouMean(*stage, names), strings.Join(names, ", "))
			return exitUsage
		}
		switch *format {
		case "json":
			out := struct {
				Routes []model.Route `json:"routes"`
				// WebSocketRoutes are the WebSocket APIs' routes.
				WebSocketRoutes []model.WebSocketRoute `json:"webSocketRoutes,omitempty"`
				// Domains are the custom domain names' base path mappings.
				Domains []model.DomainRoute `json:"domains,omitempty"`
				// Pending are routes not known before apply (Terraform).
				Pending []model.Pending `json:"pending,omitempty"`
			}{Routes: routes, WebSocketRoutes: wsRoutes, Domains: model.DomainRoutes(r.Template), Pending: r.Template.Pending}
			if out.Routes == nil {
				out.Routes = []model.Route{}
			}
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			if err := enc.Encode(out); err != nil {
				return exitUsage
			}
		case "model":
			_ = model.Dump(e.stdout, r.Template, model.DumpOptions{Identity: true, Positions: true})
		case "text":
			if len(routes) > 0 || len(wsRoutes) == 0 {
				writeRoutesText(e.stdout, routes, strings.TrimRight(*base, "/"))
			}
			writeWebSocketRoutes(e.stdout, wsRoutes, strings.TrimRight(*base, "/"), len(routes) > 0)
			writeDomainRoutes(e.stdout, model.DomainRoutes(r.Template))
			writePending(e.stdout, r.Template.Pending)
		default:
			fmt.Fprintf(e.stderr, "cfnrun routes: unknown --format %q (want text, json or model)\n", *format)
			return exitUsage
		}
		return exitOK
	}
	return c
}

// writeDomainRoutes lists the custom domains' base path mappings and what
// each serves.
func writeDomainRoutes(w io.Writer, rs []model.DomainRoute) {
	if len(rs) == 0 {
		return
	}
	fmt.Fprintln(w, "\nCustom domains (cfnrun up serves them to requests with the domain as Host):")
	for _, r := range rs {
		note := ""
		if !r.Served {
			note = "  (not served: not an API of the template)"
		}
		fmt.Fprintf(w, "  %-45s -> API %s stage %s%s\n", r.URL, r.API, r.Stage, note)
	}
}

// writePending lists the elements of a Terraform configuration whose
// routes are not known before apply, and what they depend on.
func writePending(w io.Writer, pending []model.Pending) {
	if len(pending) == 0 {
		return
	}
	fmt.Fprintln(w, "\nNot known before apply (no routes served for these until the values are given):")
	for _, p := range pending {
		what := "instances of " + p.Address
		if p.What != "instances" {
			what = p.Address + " " + p.What
		}
		fmt.Fprintf(w, "  %s: depends on %s\n", what, strings.Join(p.DependsOn, ", "))
	}
}

// writeRoutesText prints routes grouped by API and stage.
func writeRoutesText(w io.Writer, routes []model.Route, base string) {
	if len(routes) == 0 {
		fmt.Fprintln(w, "no routes: the template defines no API Gateway methods (or none on a stage) that are known before apply")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	last := ""
	for _, r := range routes {
		group := r.APIID + "/" + r.Stage
		if group != last {
			if last != "" {
				fmt.Fprintln(tw)
			}
			stage := r.Stage
			if stage == "" {
				stage = "(no stage: not deployed)"
			} else if r.StageStandsFor != "" {
				stage += fmt.Sprintf(" (stands for %q, not known before apply)", r.StageStandsFor)
			}
			proto := "HTTP/2 + HTTP/1.1"
			if !r.HTTP2 {
				proto = "HTTP/1.1 only"
			}
			fmt.Fprintf(tw, "API %s (%s, id %s)  stage %s  [%s]\n", r.APIName, r.API, r.APIID, stage, proto)
			fmt.Fprintf(tw, "  METHOD\tURL\tINTEGRATION\tTARGET\tCONNECTION\tTIMEOUT\n")
			last = group
		}
		url := base + "/" + r.Stage + r.Path
		switch {
		case r.Stage == "":
			url = r.Path
		case r.Stage == model.StageDefault:
			url = base + r.Path // an HTTP API's $default stage has no prefix
		}
		if r.Path == model.RouteKeyDefault {
			url = strings.TrimSuffix(url, model.RouteKeyDefault) + "/* ($default)"
			if r.Stage == "" {
				url = "/* ($default)"
			}
		}
		target := r.URI
		if r.IntegrationMethod != "" && target != "" {
			target = r.IntegrationMethod + " " + target
		}
		integ := r.Integration
		if integ == "" {
			integ = "(none)"
		}
		if target == "" {
			target = "-"
		}
		conn := r.ConnectionType
		if conn == "" {
			conn = "-"
		}
		timeout := "-"
		if r.TimeoutMs > 0 {
			timeout = fmt.Sprintf("%dms", r.TimeoutMs)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", r.Method, url, integ, target, conn, timeout)
	}
	tw.Flush()
}

// writeWebSocketRoutes prints the WebSocket routes grouped by API and
// stage, after the REST and HTTP API routes (gap: a blank line first).
func writeWebSocketRoutes(w io.Writer, routes []model.WebSocketRoute, base string, gap bool) {
	if len(routes) == 0 {
		return
	}
	wsBase := "ws://" + strings.TrimPrefix(strings.TrimPrefix(base, "http://"), "https://")
	if strings.HasPrefix(base, "https://") {
		wsBase = "wss://" + strings.TrimPrefix(base, "https://")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	last := "\x00"
	for _, r := range routes {
		group := r.APIID + "/" + r.Stage
		if group != last {
			if last != "\x00" || gap {
				fmt.Fprintln(tw)
			}
			url := wsBase + "/" + r.Stage
			if r.Stage == "" {
				url = "(no stage: not deployed)"
			}
			fmt.Fprintf(tw, "WebSocket API %s (%s, id %s)  stage %s  %s  [routes chosen by %s]\n", r.APIName, r.API, r.APIID, r.Stage, url, r.RouteSelectionExpression)
			fmt.Fprintf(tw, "  ROUTE\tINTEGRATION\tTARGET\tTIMEOUT\tRESPONSE\n")
			last = group
		}
		integ, target, timeout, resp := r.Integration, r.URI, "-", "-"
		if integ == "" {
			integ = "(none)"
		}
		if target == "" {
			target = "-"
		}
		if r.TimeoutMs > 0 {
			timeout = fmt.Sprintf("%dms", r.TimeoutMs)
		}
		if r.TwoWay {
			resp = "two-way"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", r.RouteKey, integ, target, timeout, resp)
	}
	tw.Flush()
}
