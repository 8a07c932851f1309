package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
)

func graphCommand() command {
	c := command{
		name:    "graph",
		summary: "print the dependency graph of the template's resources",
		usage:   "cfnrun graph [--format text|dot|json] FILE...",
		example: "cfnrun graph examples/seed/template.yaml\ncfnrun graph --format dot template.yaml | dot -Tsvg > graph.svg",
	}
	c.run = func(e *env, args []string) int {
		fs := newFlagSet(e, &c)
		format := fs.String("format", "text", "output `format`: text, dot or json")
		in := addInputFlags(fs)
		allowExt := fs.Bool("allow-extensions", false, "do not count cfnrun's extensions (Http2Enabled, ConnectionType: HTTP2) as errors")
		if code, ok := parseFlags(e, fs, args); !ok {
			return code
		}
		r, code, ok := resolveForCommand(e, "graph", fs.Args(), in, *allowExt)
		if !ok {
			return code
		}
		nodes := r.Template.Nodes
		cycles := model.Cycles(nodes)
		switch *format {
		case "text":
			writeGraphText(e.stdout, nodes, cycles)
		case "dot":
			writeGraphDot(e.stdout, nodes, cycles)
		case "json":
			writeGraphJSON(e.stdout, nodes, cycles)
		default:
			fmt.Fprintf(e.stderr, "cfnrun graph: unknown --format %q (want text, dot or json)\n", *format)
			return exitUsage
		}
		return exitOK
	}
	return c
}

func edgeLabel(e model.Edge) string {
	if e.Attr != "" {
		return string(e.Kind) + " ." + e.Attr
	}
	return string(e.Kind)
}

func writeGraphText(w io.Writer, nodes []*model.Node, cycles []model.Cycle) {
	for _, n := range nodes {
		fmt.Fprintf(w, "%s (%s)  %s\n", n.Address, n.Type, n.Range)
		for _, e := range n.Deps {
			fmt.Fprintf(w, "  -> %s  [%s]  line %d\n", e.To, edgeLabel(e), e.Range.Start.Line)
		}
	}
	for _, c := range cycles {
		fmt.Fprintf(w, "cycle: %s\n", c)
	}
}

func dotID(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

func writeGraphDot(w io.Writer, nodes []*model.Node, cycles []model.Cycle) {
	inCycle := map[string]bool{}
	for _, c := range cycles {
		for _, a := range c.Path {
			inCycle[a] = true
		}
	}
	fmt.Fprintln(w, "digraph cfnrun {")
	fmt.Fprintln(w, "  rankdir=LR;")
	fmt.Fprintln(w, "  node [shape=box, fontname=\"Helvetica\"];")
	for _, n := range nodes {
		attrs := fmt.Sprintf("label=%s", dotID(n.Address+"\\n"+n.Type))
		if strings.HasPrefix(n.Type, "AWS::ApiGateway::") || strings.HasPrefix(n.Type, "aws_api_gateway_") {
			attrs += ", style=filled, fillcolor=\"#e8f0fe\""
		}
		if inCycle[n.Address] {
			attrs += ", color=red"
		}
		fmt.Fprintf(w, "  %s [%s];\n", dotID(n.Address), attrs)
	}
	for _, n := range nodes {
		for _, e := range n.Deps {
			style := ""
			if e.Kind == model.EdgeDependsOn {
				style = ", style=dashed"
			}
			fmt.Fprintf(w, "  %s -> %s [label=%s%s];\n", dotID(n.Address), dotID(e.To), dotID(edgeLabel(e)), style)
		}
	}
	fmt.Fprintln(w, "}")
}

func writeGraphJSON(w io.Writer, nodes []*model.Node, cycles []model.Cycle) {
	type jnode struct {
		Address     string `json:"address"`
		Type        string `json:"type"`
		File        string `json:"file"`
		Line        int    `json:"line"`
		Column      int    `json:"column"`
		Placeholder bool   `json:"placeholder"`
	}
	type jedge struct {
		From   string `json:"from"`
		To     string `json:"to"`
		Kind   string `json:"kind"`
		Attr   string `json:"attr,omitempty"`
		Line   int    `json:"line"`
		Column int    `json:"column"`
	}
	out := struct {
		Nodes  []jnode    `json:"nodes"`
		Edges  []jedge    `json:"edges"`
		Cycles [][]string `json:"cycles"`
	}{Nodes: []jnode{}, Edges: []jedge{}, Cycles: [][]string{}}
	for _, n := range nodes {
		out.Nodes = append(out.Nodes, jnode{n.Address, n.Type, n.Range.Filename, n.Range.Start.Line, n.Range.Start.Column, n.Placeholder})
		for _, e := range n.Deps {
			out.Edges = append(out.Edges, jedge{n.Address, e.To, string(e.Kind), e.Attr, e.Range.Start.Line, e.Range.Start.Column})
		}
	}
	for _, c := range cycles {
		out.Cycles = append(out.Cycles, c.Path)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}
