package auth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/azureml-go/azureml/auth"
)

// A Secret prints, marshals and logs as REDACTED; Reveal is the one way to
// the value.
func ExampleSecret() {
	keys := auth.ServiceKeys{Primary: auth.NewSecret("pk-123"), Secondary: auth.NewSecret("sk-456")}

	fmt.Println(keys.Primary)
	fmt.Printf("%+v\n", keys)
	fmt.Printf("%#v\n", keys.Secondary)
	b, _ := json.Marshal(keys)
	fmt.Println(string(b))

	header := "Bearer " + keys.Primary.Reveal()
	fmt.Println(len(header))
	// Output:
	// REDACTED
	// {Primary:REDACTED Secondary:REDACTED}
	// auth.Secret{REDACTED}
	// {"Primary":"REDACTED","Secondary":"REDACTED"}
	// 13
}

// Decode a response straight into Secret fields.
func ExampleSecret_UnmarshalJSON() {
	var listKeys struct {
		PrimaryKey   auth.Secret `json:"primaryKey"`
		SecondaryKey auth.Secret `json:"secondaryKey"`
	}
	_ = json.Unmarshal([]byte(`{"primaryKey":"pk-123","secondaryKey":"sk-456"}`), &listKeys)
	fmt.Println(listKeys.PrimaryKey, listKeys.PrimaryKey.Reveal() == "pk-123")
	// Output: REDACTED true
}

// A static ARM token, like azureml-core's ArmTokenAuthentication: the same
// token for any scope.
func ExampleNewStaticTokenCredential() {
	cred, err := auth.NewStaticTokenCredential("eyJ0eXAiOi...", time.Now().Add(time.Hour))
	if err != nil {
		fmt.Println(err)
		return
	}
	tok, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{
		Scopes: []string{"https://management.core.windows.net//.default"},
	})
	fmt.Println(err, tok.Token == "eyJ0eXAiOi...")
	fmt.Println(cred)
	// Output:
	// <nil> true
	// auth.StaticTokenCredential{Token: REDACTED}
}

// Every missing argument is named at once.
func ExampleNewServicePrincipalCredential() {
	_, err := auth.NewServicePrincipalCredential("", "my-app-id", "", nil)
	fmt.Println(err)
	// Output: auth: service principal: empty tenantID, secret
}
