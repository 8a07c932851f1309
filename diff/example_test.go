package diff_test

import (
	"context"
	"fmt"

	"github.com/cfnrun/cfnrun/diff"
	"github.com/cfnrun/cfnrun/resolver"
)

// Resolve both templates, compare the models, print the result.
func ExampleCompare() {
	ctx := context.Background()
	opts := resolver.Options{StackName: "orders"}
	old := resolver.Resolve(ctx, []string{"testdata/pairs/rename-deployment/old.yaml"}, opts)
	new := resolver.Resolve(ctx, []string{"testdata/pairs/rename-deployment/new.yaml"}, opts)
	r, err := diff.Compare(ctx, old.Template, new.Template)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range r.Routes {
		fmt.Println(c.Action, c.Stage, c.Method, c.Path)
		for _, f := range c.Changes {
			fmt.Printf("  %s: %s -> %s\n", f.Field, f.Old, f.New)
		}
	}
	fmt.Println(diff.SummaryLine(r.Summary))
	// diff.WriteText, WriteJSON and WriteMarkdown print the whole result.
	// Output:
	// change prod GET /orders
	//   uri: http://orders.internal.example.com/orders -> http://orders-v2.internal.example.com/orders
	//   timeoutMs: 29000 -> 10000
	// Resources: 0 to add, 2 to change, 1 to replace, 0 to destroy. Routes: 0 added, 0 removed, 1 changed. Hazards: 1.
}
