package runtime_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime"
)

// A gateway serves a model built by hand (or by the resolver): one MOCK
// method at GET /prod/hello.
func ExampleGateway() {
	root := &model.Resource{ID: "rootid0000"}
	hello := &model.Resource{LogicalID: "Hello", PathPart: "hello", Parent: root}
	hello.Methods = []*model.Method{{HTTPMethod: "GET", Integration: &model.Integration{
		Type:             model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses: []model.IntegrationResponse{{StatusCode: "200",
			ResponseTemplates: map[string]string{"application/json": `{"hello": "world"}`}}},
	}}}
	api := &model.RestAPI{LogicalID: "Api", ID: "abcdefghij", Root: root, Resources: []*model.Resource{root, hello},
		Stages: []*model.Stage{{Name: "prod"}}}
	tpl := &model.Template{APIs: []*model.RestAPI{api}}
	tpl.Finalize()

	g, err := runtime.New(runtime.Config{})
	if err != nil {
		panic(err)
	}
	if _, err := g.Load(tpl); err != nil {
		panic(err)
	}
	for _, path := range []string{"/prod/hello", "/prod/nope"} {
		w := httptest.NewRecorder()
		g.Handler().ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		fmt.Println(w.Code, w.Body.String())
	}
	// Output:
	// 200 {"hello": "world"}
	// 403 {"message":"Missing Authentication Token"}
}
