package vtl_test

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/cfnrun/cfnrun/runtime/vtl"
)

func ExampleParse() {
	t, err := vtl.Parse(`#set($inputRoot = $input.path('$'))
{
  "id": "$input.params('id')",
  "names": [#foreach($p in $inputRoot.people)"$p.name"#if($foreach.hasNext), #end#end],
  "stage": "$context.stage"
}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	err = t.Execute(os.Stdout, &vtl.Input{
		Body:       []byte(`{"people": [{"name": "Ann"}, {"name": "Bob"}]}`),
		PathParams: map[string]string{"id": "42"},
		Context:    map[string]any{"stage": "prod"},
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// {
	//   "id": "42",
	//   "names": ["Ann", "Bob"],
	//   "stage": "prod"
	// }
}

func ExampleParse_error() {
	_, err := vtl.Parse("{\n  #if($input.params('debug') == \"1\")\n  \"debug\": true\n}")
	var e *vtl.Error
	if errors.As(err, &e) {
		fmt.Printf("line %d, column %d: %s\nfix: %s\n", e.Line, e.Col, e.Msg, e.Fix)
	}
	// Output:
	// line 2, column 3: #if is never closed
	// fix: add #end after the last branch
}

func ExampleTemplate_Unsupported() {
	t, err := vtl.Parse(`{"data": $util.toJson($input.path('$'))}`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Unsupported())
	err = t.Execute(io.Discard, &vtl.Input{})
	fmt.Println(errors.Is(err, vtl.ErrUnsupported), err)
	// Output:
	// [$util.toJson at 1:10]
	// true 1:10: $util.toJson is not supported by cfnrun; see docs/vtl.md for what is supported
}

func ExampleTemplate_ExecuteOverrides() {
	t, err := vtl.Parse(`#set($origin = $input.params('origin'))
#if($origin == "https://app.example.com")
#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)
#else
#set($context.responseOverride.status = 403)
#end`)
	if err != nil {
		fmt.Println(err)
		return
	}
	o, err := t.ExecuteOverrides(os.Stdout, &vtl.Input{Headers: map[string]string{"Origin": "https://app.example.com"}})
	fmt.Println(o.Status, o.ResponseHeaders, err)
	// Output:
	// 0 map[Access-Control-Allow-Origin:https://app.example.com] <nil>
}

func ExampleTemplate_UnsupportedConstructs() {
	t, err := vtl.Parse("{\n  \"id\": \"$input.params('id')\",\n  #parse('common.vm')\n}")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range t.UnsupportedConstructs() {
		fmt.Printf("line %d, column %d: %s is not supported\n", c.Line, c.Col, c.What)
	}
	// Output:
	// line 3, column 3: #parse is not supported
}
