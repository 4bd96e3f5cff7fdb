package contracts_test

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/gavv/httpexpect/v2"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/standin/standin/contracts"
)

func Example() {
	// Real scenarios leave Spec nil and get the embedded spec named by API.
	spec, err := openapi3.NewLoader().LoadFromFile("testdata/pets.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	// A pet store that gets the type of "id" wrong.
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/pets/1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id": "1", "name": "Rex"}`)
	})

	fetch := contracts.Scenario{
		API:  "pets",
		Name: "fetch",
		Doc:  "A pet can be fetched by its id.",
		Spec: spec,
		Run: func(s *contracts.S) {
			s.Step("fetch Rex", func(e *httpexpect.Expect) {
				e.GET("/pets/1").Expect().Status(http.StatusOK).
					JSON().Object().Value("name").IsEqual("Rex")
			})
			s.Step("fetch Rex again", func(e *httpexpect.Expect) {
				e.GET("/pets/1").Expect().Status(http.StatusOK)
			})
		},
	}
	report := contracts.Run(context.Background(), contracts.InProcess(mux, "/api"), fetch)
	if err := report.WriteText(os.Stdout, false); err != nil {
		fmt.Println(err)
	}
	// Output:
	// target: in-process
	//
	// pets/fetch
	//   ✗ fetch Rex
	//       contract: GET /pets/1 -> 200 (getPet): response body /id: value must be an integer
	//       response: 200 application/json to GET /pets/1:
	//                 {"id": "1", "name": "Rex"}
	//   - fetch Rex again (skipped: step "fetch Rex" failed)
	//
	// contract violations by rule: type 1
	// 0 passed, 1 failed, 1 skipped
}
