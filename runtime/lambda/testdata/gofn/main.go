// Command gofn is a Lambda function written with github.com/aws/aws-lambda-go,
// built by the tests as a provided.al2023 bootstrap and as a go1.x handler.
package main

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Name  string `json:"name"`
	Fail  bool   `json:"fail"`
	Panic bool   `json:"panic"`
}

type reply struct {
	Greeting  string  `json:"greeting"`
	RequestID string  `json:"requestId"`
	ARN       string  `json:"arn"`
	Function  string  `json:"function"`
	Remaining float64 `json:"remainingMs"`
	Handler   string  `json:"handler"`
}

func handle(ctx context.Context, e event) (reply, error) {
	if e.Fail {
		return reply{}, errors.New("asked to fail")
	}
	if e.Panic {
		panic("asked to panic")
	}
	lc, _ := lambdacontext.FromContext(ctx)
	dl, _ := ctx.Deadline()
	return reply{
		Greeting:  "hello " + e.Name,
		RequestID: lc.AwsRequestID,
		ARN:       lc.InvokedFunctionArn,
		Function:  lambdacontext.FunctionName,
		Remaining: float64(time.Until(dl).Milliseconds()),
		Handler:   os.Getenv("_HANDLER"),
	}, nil
}

func main() { lambda.Start(handle) }
