package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/azureml-go/azureml/internal/emulator"
)

// A test starts a local workspace, makes the next model-management request
// fail with a 503 and a Retry-After hint, and inspects what the client sent.
func Example() {
	srv, err := emulator.New(emulator.Options{})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	srv.InjectFault(emulator.Fault{
		Match:      emulator.MatchRequest(http.MethodGet, "/modelmanagement/"),
		Status:     http.StatusServiceUnavailable,
		RetryAfter: "1",
	})

	resp, err := http.Get(srv.Info().DiscoveryURL) // discovery needs no token
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var hosts map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&hosts)

	fmt.Println(hosts["modelmanagement"] == srv.URL())
	fmt.Println(len(srv.Requests()), srv.Requests()[0].Path)
	// Output:
	// true
	// 1 /discovery
}
