"""Entry script for the example linear model (stdlib only).

The inference server calls init() once and run(raw_data) per request.
raw_data is the request body: {"data": [[x1, x2, x3, x4], ...]}.
run returns {"predictions": [y, ...]}.
"""
import json
import os

_model = None


def _find_model(root, name="model.json"):
    # AZUREML_MODEL_DIR is the model's folder for a single-model deployment
    # and the folder of all models otherwise; look for the file under it.
    direct = os.path.join(root, name)
    if os.path.isfile(direct):
        return direct
    for folder, _dirs, files in os.walk(root):
        if name in files:
            return os.path.join(folder, name)
    raise FileNotFoundError("%s not found under %s" % (name, root))


def init():
    global _model
    path = _find_model(os.environ.get("AZUREML_MODEL_DIR", "."))
    with open(path, encoding="utf-8") as f:
        _model = json.load(f)
    if len(_model["weights"]) != len(_model["features"]):
        raise ValueError("model.json: weights and features differ in length")
    print("init: loaded %s with %d features" % (path, len(_model["features"])))


def _predict(row):
    weights = _model["weights"]
    if len(row) != len(weights):
        raise ValueError("each row needs %d numbers, got %d" % (len(weights), len(row)))
    return sum(w * float(x) for w, x in zip(weights, row)) + _model["bias"]


def run(raw_data):
    data = json.loads(raw_data)["data"] if isinstance(raw_data, (str, bytes)) else raw_data["data"]
    predictions = [round(_predict(row), 6) for row in data]
    print("run: scored %d rows" % len(predictions))
    return {"predictions": predictions}
