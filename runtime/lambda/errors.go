package lambda

import (
	"errors"
	"strconv"
)

// Error is an invocation that Lambda itself refuses or fails, as opposed to
// a function error (those are Results with FunctionError set). Its Type is
// the Invoke API's error type and Status the HTTP status the Invoke API
// answers with, so a caller can map it the way AWS does.
type Error struct {
	// Type is the Invoke API error type: ResourceNotFoundException,
	// TooManyRequestsException, RequestTooLargeException,
	// ServiceException, or NotServed (cfnrun's own: the runtime is not run
	// locally).
	Type string
	// Status is the Invoke API's HTTP status for Type.
	Status int
	// Function is the function's name or ARN as asked for.
	Function string
	// Message says what happened and, where there is one, the fix.
	Message string
}

func (e *Error) Error() string {
	if e.Function == "" {
		return e.Message
	}
	return "lambda function " + strconv.Quote(e.Function) + ": " + e.Message
}

// Error types of the Invoke API (and NotServed, cfnrun's own).
const (
	TypeNotFound        = "ResourceNotFoundException"
	TypeThrottled       = "TooManyRequestsException"
	TypeTooLarge        = "RequestTooLargeException"
	TypeService         = "ServiceException"
	TypeInvalidRequest  = "InvalidRequestContentException"
	TypeNotServed       = "NotServed"
	TypeServiceShutdown = "ServiceUnavailableException"
)

// ErrClosed is returned by Invoke after Close.
var ErrClosed = &Error{Type: TypeServiceShutdown, Status: 503, Message: "the Lambda service is closed"}

func errNotFound(name string) error {
	return &Error{Type: TypeNotFound, Status: 404, Function: name,
		Message: "Function not found: no function of this name or ARN is loaded"}
}

func errThrottled(name, why string) error {
	return &Error{Type: TypeThrottled, Status: 429, Function: name, Message: "Rate Exceeded. (" + why + ")"}
}

func errTooLarge(name string, n, max int) error {
	return &Error{Type: TypeTooLarge, Status: 413, Function: name,
		Message: "Request must be smaller than " + strconv.Itoa(max) + " bytes for the InvokeFunction operation (got " + strconv.Itoa(n) + ")"}
}

// notServed is the error for a function cfnrun cannot run itself. It names
// the escape hatch.
func notServed(name, why string) error {
	return &Error{Type: TypeNotServed, Status: 500, Function: name,
		Message: why + "; cfnrun runs nodejs*, python3*, provided* and go1.x functions itself. " +
			"Run this one elsewhere and pass --lambda " + name + "=URL (a Lambda Invoke API endpoint such as " +
			"`sam local start-lambda` or LocalStack) or --lambda " + name + "=COMMAND (a command that speaks the Runtime API)"}
}

// IsNotServed reports whether err says that a function's runtime is not run
// locally.
func IsNotServed(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Type == TypeNotServed
}
