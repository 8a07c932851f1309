// Package vtl implements the part of the Velocity Template Language (VTL)
// that API Gateway mapping templates use, with API Gateway's $input, $util,
// $context and $stageVariables.
//
// Parse compiles a template once into a tree; Execute walks the tree for
// one request without re-parsing. A plain-text template (MOCK's
// {"statusCode": 200}) executes without allocating.
//
// Behaviour follows Velocity 1.7 as API Gateway runs it (checked against
// Velocity's grammar and the AWS documentation's examples): a line break
// after a directive's closing parenthesis, #else and #end is swallowed,
// blanks that start a run of text before #set are swallowed, an undefined
// reference renders as written ($!ref renders nothing), and #set with a
// null value leaves the target unchanged. Missing $input, $context and
// $stageVariables values render as "" as API Gateway renders them.
//
// What is not implemented is never silently wrong: Unsupported lists it
// after Parse, and Execute fails with an error wrapping ErrUnsupported when
// it gets there. docs/vtl.md lists what is supported.
//
// Invariants: a *Template is immutable and safe for concurrent Execute
// calls; every Execute is bounded (maxIterations loop iterations and
// collection additions, maxOutput bytes, maxDepth nesting, maxWork units of
// work, maxPathVisits per JSONPath) so that no template or input can hang
// or exhaust memory: every recursion over values (rendering, comparing,
// JSON) has a depth bound, and every string or list whose size comes from
// the input is sized before it is built. Parse is linear in the template's
// size; the package never panics on any template or input. It imports only
// the standard library.
package vtl
