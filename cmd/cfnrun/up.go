package main

import "fmt"

func upCommand() command {
	c := command{name: "up", summary: "(not built yet)", usage: "cfnrun up"}
	c.run = func(e *env, args []string) int {
		fmt.Fprintln(e.stderr, "cfnrun up: not built yet")
		return exitUsage
	}
	return c
}
