package main

import "fmt"

func validateCommand() command {
	c := command{name: "validate", summary: "(not built yet)", usage: "cfnrun validate"}
	c.run = func(e *env, args []string) int { fmt.Fprintln(e.stderr, "not built yet"); return exitUsage }
	return c
}

func routesCommand() command {
	c := command{name: "routes", summary: "(not built yet)", usage: "cfnrun routes"}
	c.run = func(e *env, args []string) int { fmt.Fprintln(e.stderr, "not built yet"); return exitUsage }
	return c
}

func graphCommand() command {
	c := command{name: "graph", summary: "(not built yet)", usage: "cfnrun graph"}
	c.run = func(e *env, args []string) int { fmt.Fprintln(e.stderr, "not built yet"); return exitUsage }
	return c
}
