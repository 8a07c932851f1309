// Package heapplan sizes the heap of the cfnrun commands that resolve
// templates and keep what they build (validate, routes, graph, token,
// diff, up) and prepares it
// with internal/shortheap, as early as the process allows: from the
// package's own initialisation, before main's.
//
// Prepare's huge-page advice costs less the less has been allocated
// before it: run from main, after all 137 package inits, the inits' heap
// pages were 4 KiB ones (and the forced collection Prepare had then
// flushed span caches of some 60 size classes into fresh span sets, ~170
// page faults; on amd64 it now collects only past 256 MiB). Run from here it comes 92nd: the linker runs a
// package's init once its imports' are done and, among those ready, in
// order of import path, so runtime/debug (which shortheap needs) and this
// package wait for most of github.com/..., golang.org/... and gopkg.in/...;
// what comes after is the resolver's, the parsers' and the gateway's
// inits. The command line is read as main's flag parsing would read it,
// loosely (every argument that is not a flag and names a file or
// directory counts, so a flag's value that names a file counts too: the
// estimate only grows). The commands call Prepare again with their parsed
// arguments; shortheap.Prepare acts once per process, so that call only
// acts when this one did not.
package heapplan

import (
	"os"
	"strings"

	"github.com/cfnrun/cfnrun/internal/shortheap"
)

func init() {
	if len(os.Args) > 1 {
		Prepare(os.Args[1], os.Args[2:], false)
	}
}

// MinPrepared is the smallest Estimate worth preparing the heap for where
// shortheap.Collects (elsewhere every heap is prepared: see shortheap's
// minPrepare for the measurements): its forced collection and the metadata of its block cost more page faults
// and CPU than it saves a small template. validate, old (always) / new
// (this threshold) interleaved, task-clock at load 16-19: the seed 52.7 /
// 35.9 ms (952 / 677 faults), 27 KB 58.4 / 44.8, 88 KB 75.6 / 67.2; at 180
// KB Prepare wins (83.9 vs 99.6 without). Estimate puts 125 KB of
// CloudFormation at 12 MiB. (It applies to the templates' own estimate, so
// that up, which asks for twice it, leaves the seed alone.) Measured again
// at the 12-14 MiB edge (chrt -f 10, 30 interleaved runs, load 17-19):
// validate of a 150 kB YAML (500 resources, estimate 12.6 MiB) and of a
// 178 kB JSON (450, 13.4 MiB) 0.92x wall and 0.78x CPU with the heap
// prepared; of a 97 kB JSON (250, 11.1 MiB) 1.39x, so worse.
const MinPrepared = 12 << 20

// minTerraform is the smallest heap prepared for Terraform where
// shortheap.Collects (elsewhere the generated 30-route configuration,
// 3.4 kB, gained: 935 -> 560 page faults, 0.9x the CPU): Estimate's
// 1.5 kB a byte is generous for small configurations, whose for_each
// expands less. validate of the generated 30 and 40-route ones (3.4 and
// 4.1 kB, estimates 13.0 and 14.0 MiB) took 1.21x and 1.38x the wall time
// prepared, of the 50-route one (15.7 MiB) 0.96x, of 100 and 200 routes
// 0.83x and 0.86x (same runs as MinPrepared's).
const minTerraform = 14 << 20

// Prepare prepares the heap for command (validate, routes, graph, token,
// diff or up; any other does nothing) run on args, its arguments after the command name: flags
// are skipped, every other argument that names a file or directory counts
// (see Estimate). git is diff's --git (the old side is read from git as
// well); from the command line alone, any --git flag counts.
func Prepare(command string, args []string, git bool) {
	if est, n, tf := plan(command, args, git); !shortheap.Collects || est >= MinPrepared && (!tf || n >= minTerraform) {
		shortheap.Prepare(n)
	}
}

// plan is Prepare's estimate of the templates (Estimate) and of the heap
// the command builds from them; n is 0 for a command that prepares
// nothing. tf reports whether Terraform files were counted.
func plan(command string, args []string, git bool) (est, n int, tf bool) {
	var paths []string
	for _, a := range args {
		if name, ok := strings.CutPrefix(a, "-"); ok {
			name, _, _ = strings.Cut(strings.TrimPrefix(name, "-"), "=")
			git = git || name == "git"
			continue
		}
		paths = append(paths, a)
	}
	est, tf = estimate(paths)
	switch command {
	case "validate", "routes", "graph", "token":
		// One resolve, kept to the end. routes, graph and token build
		// the property trees validate skips, and still allocate about
		// what validate does (2,000 resources with the collector off:
		// 34 vs 33 MB resident at the end).
		n = est
	case "diff":
		// Both sides are resolved and kept until the comparison is
		// printed: validate's estimate for the two, with half as much
		// again for the property copies a diff reads (validate skips
		// them) and the comparison (a 2,000-resource JSON pair allocates
		// ~50 MB in all, which Estimate puts at 59 MB: the collector ran
		// once, for 36 ms of CPU, at 45 MB).
		n = est * 3 / 2
		if git {
			n *= 2 // the old side is read from git later
		}
	case "up":
		// Start-up is validate's work and more (the property copies,
		// the compiled routes) and keeps nearly all of it: twice the
		// estimate. A 2,000-resource template started in 0.43x the CPU
		// time (6,700 -> 1,400 page faults), 42 -> 45 MB resident once
		// serving; where shortheap.Collects, a template under
		// MinPrepared, such as the seed, is left as it was.
		n = est * 2
	default:
		return 0, 0, false
	}
	return est, n, tf
}

// Estimate estimates the heap a resolve of paths builds: about 22 bytes
// per byte of a JSON template and 28 per byte of YAML (a 2,000-resource
// template, 0.6-0.8 MB, resolves into ~18 MB), with room for the rest of
// the process. A Terraform configuration expands: for_each and count make
// many instances of a few lines, each evaluated into objects (the
// generated 50 / 200 / 1,000-route configurations, 5 / 15 / 68 kB,
// allocate about 9 / 20 / 88 MB, and the limit counts the runtime's own
// memory too), so its files count 1.5 kB per byte, up to 192 kB of them
// (288 MB). A directory counts the files directly in it; a path that
// names nothing counts nothing.
func Estimate(paths []string) int {
	est, _ := estimate(paths)
	return est
}

// estimate is Estimate, and whether it counted Terraform files.
func estimate(paths []string) (est int, terraform bool) {
	var size, tf int64
	add := func(name string, n int64) {
		if isTerraformSource(name) {
			tf += n
		} else {
			size += n
		}
	}
	for _, p := range paths {
		fi, err := os.Stat(p)
		switch {
		case err != nil:
		case fi.IsDir():
			ents, _ := os.ReadDir(p)
			for _, e := range ents {
				if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
					add(e.Name(), info.Size())
				}
			}
		default:
			add(p, fi.Size())
		}
	}
	return int(min(size, 1<<30))*32 + int(min(tf, 192<<10))*1536 + 8<<20, tf > 0
}

// isTerraformSource reports whether a file is Terraform configuration or
// variables.
func isTerraformSource(name string) bool {
	for _, ext := range []string{".tf", ".tf.json", ".tfvars", ".tfvars.json"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}
