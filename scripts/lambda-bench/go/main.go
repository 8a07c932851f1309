// Command bootstrap is the Lambda benchmark's Go function
// (scripts/bench-lambda.sh): the constant proxy response of handler.js,
// built by cfnrun up from this source for provided.al2023 with
// github.com/aws/aws-lambda-go, as sam build would. A Go runtime answers in
// microseconds, so the figures it gets show what the gateway and the
// Runtime API can serve, apart from what Node.js costs per invocation.
package main

import (
	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

var hello = events.APIGatewayProxyResponse{
	StatusCode: 200,
	Headers:    map[string]string{"Content-Type": "application/json"},
	Body:       `{"message":"hello"}`,
}

func main() {
	lambda.Start(func() (events.APIGatewayProxyResponse, error) { return hello, nil })
}
