package main

import "fmt"

func diffCommand() command {
	c := command{name: "diff", summary: "(not built yet)", usage: "cfnrun diff"}
	c.run = func(e *env, args []string) int {
		fmt.Fprintln(e.stderr, "cfnrun diff: not built yet")
		return exitUsage
	}
	return c
}
