// Command bootstrap is the example's Go function: one handler for every
// route of the API, built with github.com/aws/aws-lambda-go for the
// provided.al2023 runtime (GOOS=linux go build -o bootstrap).
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

func main() {
	lambda.Start(handle)
}

// handle answers one API Gateway proxy request (REST API event 1.0).
func handle(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	route := req.HTTPMethod + " " + req.Resource
	switch route {
	case "GET /hello":
		name := req.QueryStringParameters["name"]
		if name == "" {
			name = "world"
		}
		requestID := ""
		if lc, ok := lambdacontext.FromContext(ctx); ok {
			requestID = lc.AwsRequestID
		}
		return jsonResponse(http.StatusOK, map[string]any{"message": os.Getenv("GREETING") + " " + name, "requestId": requestID}, nil)
	case "GET /items/{id}":
		return jsonResponse(http.StatusOK, map[string]any{"id": req.PathParameters["id"], "stage": req.RequestContext.Stage}, nil)
	case "POST /items":
		item, ok := itemFrom(req)
		if !ok {
			return jsonResponse(http.StatusBadRequest, map[string]any{"message": "the body must be a JSON object with an id"}, nil)
		}
		return jsonResponse(http.StatusCreated, map[string]any{"created": item}, map[string]string{"Location": fmt.Sprintf("/items/%v", item["id"])})
	case "GET /headers":
		find := func(name string) any {
			for k, v := range req.Headers {
				if strings.EqualFold(k, name) {
					return v
				}
			}
			return nil
		}
		return jsonResponse(http.StatusOK, map[string]any{"userAgent": find("user-agent"), "custom": find("x-custom")}, nil)
	case "GET /error":
		return events.APIGatewayProxyResponse{}, errors.New("something went wrong on purpose")
	}
	return jsonResponse(http.StatusNotFound, map[string]any{"message": "no route for " + route}, nil)
}

// jsonResponse builds a proxy-integration response with a JSON body.
func jsonResponse(status int, body any, headers map[string]string) (events.APIGatewayProxyResponse, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return events.APIGatewayProxyResponse{}, err
	}
	h := map[string]string{"Content-Type": "application/json"}
	for k, v := range headers {
		h[k] = v
	}
	return events.APIGatewayProxyResponse{StatusCode: status, Headers: h, Body: string(b)}, nil
}

// itemFrom parses the request body (base64 when API Gateway says so) as a
// JSON object with an id.
func itemFrom(req events.APIGatewayProxyRequest) (map[string]any, bool) {
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(req.Body)
		if err != nil {
			return nil, false
		}
		body = b
	}
	var item map[string]any
	if err := json.Unmarshal(body, &item); err != nil || item == nil {
		return nil, false
	}
	_, ok := item["id"]
	return item, ok
}
