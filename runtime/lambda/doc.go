// Package lambda is cfnrun's local Lambda service: it runs the functions
// behind API Gateway's Lambda integrations as local processes, without
// Docker, and serves them the AWS Lambda Runtime API.
//
// A Service holds a set of Functions (Load replaces the set, keeping the warm
// instances of functions whose configuration did not change). Invoke runs
// one invocation and returns the function's response or its error document,
// as the Lambda Invoke API would. The gateway calls it through a small
// interface of its own; this package knows nothing of API Gateway, templates
// or the gateway, and imports none of cfnrun's other packages.
//
// How a function runs:
//
//   - Each instance (an "execution environment") is one local process in a
//     process group of its own, started with the documented Lambda
//     environment (AWS_LAMBDA_RUNTIME_API, AWS_LAMBDA_FUNCTION_NAME,
//     _HANDLER, LAMBDA_TASK_ROOT, ...) and the function's Environment.
//     nodejs* and python3* run cfnrun's own embedded bootstraps
//     (bootstrap/), provided* run the code's bootstrap executable, go1.x the
//     handler executable, and Function.Command a command of the user's.
//   - Every instance has a Runtime API server of its own on a loopback port
//     (one listener per instance: the connection says which instance is
//     polling, so the hot path needs no lookup and no locking beyond the
//     instance's own).
//   - An instance serves one invocation at a time. Concurrent invocations
//     start more instances up to the function's concurrency limit; beyond
//     it they wait in a bounded FIFO queue, and beyond the queue they are
//     throttled (TooManyRequestsException). Idle instances stop after
//     Config.IdleTimeout.
//   - The function's Timeout is enforced: the instance's process group is
//     killed and the invocation fails with Lambda's Sandbox.Timedout error.
//     A process that exits fails only its own invocation
//     (Runtime.ExitError); the next invocation gets a fresh instance.
//   - When a file in a function's code directory changes, its idle
//     instances stop and busy ones stop after their invocation: the next
//     invocation runs the new code.
//   - Output lines go to Config.Logger with the function name and request
//     id, between CloudWatch-like START, END and REPORT lines.
//   - Close (or cancelling the context given to New) kills every process
//     group; on Linux every child also has PR_SET_PDEATHSIG, so not even a
//     SIGKILL of cfnrun leaves an instance behind.
//
// Function.InvokeURL sends a function's invocations to any server speaking
// the Lambda Invoke API (sam local start-lambda, LocalStack, the Runtime
// Interface Emulator) instead of running it.
package lambda
