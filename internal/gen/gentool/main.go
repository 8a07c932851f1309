// Command gentool writes the generated benchmark templates and measures
// whole cfnrun processes on them (scripts/bench.sh uses it):
//
//	gentool cfn-yaml N [VARIANT]   CloudFormation YAML of about N resources
//	gentool cfn-json N [VARIANT]   the same as CDK-style JSON
//	gentool tf N                   Terraform with N routes (for_each)
//	gentool measure [-n RUNS] -- COMMAND ARGS...
//	                               median wall time and peak RSS of COMMAND
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"time"

	"github.com/cfnrun/cfnrun/internal/gen"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "cfn-yaml", "cfn-json", "tf":
		if len(args) < 1 {
			usage()
		}
		n, err := strconv.Atoi(args[0])
		if err != nil || n < 20 {
			fail("the size must be a number of at least 20, not %q", args[0])
		}
		variant := 0
		if len(args) > 1 {
			if variant, err = strconv.Atoi(args[1]); err != nil {
				fail("the variant must be a number, not %q", args[1])
			}
		}
		switch cmd {
		case "cfn-yaml":
			s, _ := gen.CFNYAML(n, variant)
			fmt.Print(s)
		case "cfn-json":
			s, _ := gen.CFNJSON(n, variant)
			fmt.Print(s)
		default:
			fmt.Print(gen.Terraform(n))
		}
	case "measure":
		fs := flag.NewFlagSet("measure", flag.ExitOnError)
		runs := fs.Int("n", 5, "how many runs")
		fs.Parse(args)
		if fs.NArg() == 0 || *runs < 1 {
			usage()
		}
		measure(*runs, fs.Args())
	default:
		usage()
	}
}

// measure runs the command runs times and prints "WALL_MS CPU_MS
// PEAK_RSS_MB": the median wall time from exec to exit, the median CPU
// time (user + system; on a loaded machine the steadier figure), and the
// largest peak resident set of any run. Exit statuses 0-2 (findings,
// changes) are fine.
func measure(runs int, argv []string) {
	var ms, cpu []float64
	var peakKB int64
	for range runs {
		c := exec.Command(argv[0], argv[1:]...)
		start := time.Now()
		err := c.Run()
		wall := time.Since(start)
		var ee *exec.ExitError
		if err != nil && !(errors.As(err, &ee) && ee.ExitCode() <= 2) {
			fail("%v: %v", argv, err)
		}
		ms = append(ms, float64(wall.Microseconds())/1000)
		if kb, cpuMS, ok := procUsage(c.ProcessState); ok {
			peakKB = max(peakKB, kb)
			cpu = append(cpu, cpuMS)
		}
	}
	slices.Sort(ms)
	slices.Sort(cpu)
	fmt.Printf("%.1f %.1f %.1f\n", ms[len(ms)/2], cpu[len(cpu)/2], float64(peakKB)/1024)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: gentool cfn-yaml|cfn-json N [VARIANT] | gentool tf N | gentool measure [-n RUNS] -- COMMAND ARGS...")
	os.Exit(2)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "gentool: "+format+"\n", args...)
	os.Exit(1)
}
