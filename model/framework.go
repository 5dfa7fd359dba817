package model

// Framework names the machine-learning framework a model was built with. The
// values are the strings azureml-core's Model.Framework sends on the wire; any
// other string is passed through unchanged.
type Framework string

// The frameworks known to azureml-core. No-code deployment (no InferenceConfig)
// is possible only for Onnx, ScikitLearn, TensorFlow and Multi.
const (
	FrameworkCustom      Framework = "Custom"
	FrameworkTensorFlow  Framework = "TensorFlow"
	FrameworkScikitLearn Framework = "ScikitLearn"
	FrameworkOnnx        Framework = "Onnx"
	FrameworkTfKeras     Framework = "TfKeras"
	FrameworkPyTorch     Framework = "PyTorch"
	FrameworkMulti       Framework = "Multi"
)

// SupportsNoCodeDeploy reports whether a model of this framework can be
// deployed without an InferenceConfig (azureml-core's no-code deployment).
func (f Framework) SupportsNoCodeDeploy() bool {
	switch f {
	case FrameworkOnnx, FrameworkScikitLearn, FrameworkTensorFlow, FrameworkMulti:
		return true
	}
	return false
}
