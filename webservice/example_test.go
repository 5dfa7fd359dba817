package webservice_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
	"github.com/azureml-go/azureml/workspace"
)

// Deploy a registered model to an AKS compute, wait, score and read the logs.
func Example() {
	var (
		ctx = context.Background()
		ws  *workspace.Workspace // from workspace.Get or workspace.FromConfig
		aks *compute.AksCompute  // from compute.Get or compute.Create
		m   *model.Model         // from model.Register or model.Get
	)
	ic, err := model.LoadInferenceConfig("inferenceconfig.json")
	if err != nil {
		log.Fatal(err)
	}
	cfg := webservice.AksDeployConfig{
		AutoscaleEnabled: to.Ptr(false),
		NumReplicas:      to.Ptr(2),
		CPUCores:         to.Ptr(0.5),
		MemoryGB:         to.Ptr(1.0),
	}
	svc, err := model.Deploy(ctx, ws, "my-service", []*model.Model{m}, ic, cfg, aks, nil)
	if err != nil {
		log.Fatal(err) // *model.ValidationError, *model.PreflightError or *azcore.ResponseError
	}
	if err := svc.WaitForDeployment(ctx, nil); err != nil {
		var de *webservice.DeploymentError
		if errors.As(err, &de) {
			fmt.Println(de.Err, de.Logs) // the service's error and the end of its logs
		}
		log.Fatal(err)
	}
	out, err := svc.Run(ctx, []byte(`{"data": [[5.1, 3.5, 1.4, 0.2]]}`))
	if err != nil {
		var se *webservice.ScoringError
		if errors.As(err, &se) && se.Source == webservice.SourceModel {
			fmt.Println("run() raised:", se.Message)
		}
		log.Fatal(err)
	}
	fmt.Println(string(out))
}

// Keep the deploymentconfig.json you use with az ml.
func ExampleLoadDeployConfig() {
	cfg, err := webservice.LoadDeployConfig("testdata/deploymentconfig_docs.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*cfg.AutoscaleMaxReplicas, *cfg.CPUCores, *cfg.AuthEnabled)
	// Output: 3 0.5 true
}

// Every broken rule is reported at once, before any network call.
func ExampleAksDeployConfig_Validate() {
	cfg := webservice.AksDeployConfig{
		AutoscaleEnabled: to.Ptr(true),
		NumReplicas:      to.Ptr(2),
		CPUCores:         to.Ptr(0.0),
	}
	fmt.Println(cfg.Validate())
	// Output:
	// Invalid configuration, CPUCores (cpu_cores) must be > 0, got 0
	// Invalid configuration, NumReplicas (num_replicas) cannot be set when autoscaling is enabled (autoscale enabled and num_replicas provided)
}

// Score from an application that has only the scoring URI and a key.
func ExampleNewScoringClient() {
	key := auth.NewSecret(os.Getenv("SCORING_KEY"))
	c, err := webservice.NewScoringClient("https://example.test/api/v1/service/my-service/score", webservice.KeyCredential(key), nil)
	if err != nil {
		log.Fatal(err)
	}
	_ = c // c.Score(ctx, input) from any number of goroutines
}

// Rotate keys without downtime: regenerate the secondary, move clients to
// it, then regenerate the primary.
func ExampleAksWebservice_RegenKey() {
	var (
		ctx = context.Background()
		svc *webservice.AksWebservice
	)
	if err := svc.RegenKey(ctx, webservice.KeySecondary, nil); err != nil {
		log.Fatal(err)
	}
	// ... clients switch to the secondary key ...
	if err := svc.RegenKey(ctx, webservice.KeyPrimary, nil); err != nil {
		log.Fatal(err)
	}
}
