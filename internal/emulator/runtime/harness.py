# Scoring harness of the azureml-go local workspace.
#
# It plays the part of the AzureML inference server inside one replica: it
# imports the driver (entry) script, calls init() once, then calls
# run(raw_json_string) for every POST /score. Standard library only.
#
# Protocol with the Go side (internal/emulator/runtime):
#   argv: harness.py <app_dir> <driver_path>
#   stdout line 1: "AZUREML_HARNESS_PORT <port>" (printed before user code runs)
#   after init():  "AZUREML_HARNESS_READY" on stdout
#   init() failure: traceback on stderr, exit status 3
#   stdin closed (Go side gone): the process exits
import http.server
import importlib.util
import inspect
import json
import os
import socketserver
import sys
import threading
import traceback

EXIT_INIT_FAILED = 3


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def watch_stdin():
    # The Go side keeps our stdin open; EOF means it went away.
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except Exception:
        pass
    os._exit(0)


def load_driver(app_dir, driver_path):
    sys.path.insert(0, app_dir)
    source_dir = os.environ.get("AZUREML_SOURCE_DIRECTORY")
    if source_dir:
        sys.path.insert(0, os.path.join(app_dir, source_dir))
    spec = importlib.util.spec_from_file_location("main", driver_path)
    if spec is None or spec.loader is None:
        raise ImportError("cannot load the entry script %s" % driver_path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["main"] = module
    spec.loader.exec_module(module)
    if not callable(getattr(module, "run", None)):
        raise AttributeError("the entry script %s defines no run() function" % os.path.basename(driver_path))
    return module


def default_swagger():
    return {
        "swagger": "2.0",
        "info": {"title": "ML service", "description": "API specification for the Azure Machine Learning service", "version": "1.0"},
        "schemes": ["https"],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "paths": {
            "/": {"get": {"description": "Simple health check endpoint to ensure the service is up at any given point.", "operationId": "ServiceHealthCheck", "responses": {"200": {"description": "If service is up and running, this response will be returned with the content 'Healthy'", "schema": {"type": "string"}}}}},
            "/score": {"post": {"description": "Run web service's model and get the prediction output", "operationId": "RunMLService", "parameters": [{"name": "serviceInputPayload", "in": "body", "description": "The input payload for executing the real-time machine learning service.", "schema": {"type": "object"}}], "responses": {"200": {"description": "The service processed the input correctly and provided a result prediction, if applicable.", "schema": {"type": "object"}}}}},
        },
    }


def make_handler(module, app_dir):
    run = module.run
    try:
        params = inspect.signature(run).parameters
    except (TypeError, ValueError):
        params = {}
    wants_headers = "request_headers" in params

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body are separate writes: without TCP_NODELAY, Nagle
        # and delayed ACKs add ~40 ms to every keep-alive request.
        disable_nagle_algorithm = True

        def log_message(self, fmt, *args):
            pass  # the Go side logs requests

        def reply(self, status, body, content_type="application/json", extra=None):
            data = body.encode("utf-8") if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path in ("/", ""):
                self.reply(200, "Healthy", "text/plain")
            elif path == "/swagger.json":
                custom = os.path.join(app_dir, "swagger.json")
                if os.path.isfile(custom):
                    with open(custom, "rb") as f:
                        self.reply(200, f.read())
                else:
                    self.reply(200, json.dumps(default_swagger()))
            else:
                self.reply(404, "Not Found", "text/plain")

        def do_POST(self):
            path = self.path.split("?", 1)[0]
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length > 0 else b""
            if path != "/score":
                self.reply(404, "Not Found", "text/plain")
                return
            try:
                data = raw.decode("utf-8")
                if wants_headers:
                    result = run(data, request_headers=dict(self.headers))
                else:
                    result = run(data)
                out = json.dumps(result)
            except Exception as exc:
                text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                log("Encountered Exception: " + traceback.format_exc().rstrip())
                self.reply(500, text, "text/plain", {"X-Ms-Run-Function-Failed": "True"})
                return
            self.reply(200, out)

    return Handler


def main():
    if len(sys.argv) != 3:
        log("usage: harness.py <app_dir> <driver_path>")
        sys.exit(2)
    app_dir, driver_path = sys.argv[1], sys.argv[2]
    server = Server(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    sys.stdout.write("AZUREML_HARNESS_PORT %d\n" % server.server_address[1])
    sys.stdout.flush()
    threading.Thread(target=watch_stdin, daemon=True).start()
    os.chdir(app_dir)
    log("Initializing entry script %s" % os.path.basename(driver_path))
    try:
        module = load_driver(app_dir, driver_path)
        init = getattr(module, "init", None)
        if callable(init):
            init()
    except BaseException:
        sys.stderr.write(traceback.format_exc())
        log("User's init() failed; the replica cannot start")
        sys.stderr.flush()
        os._exit(EXIT_INIT_FAILED)
    log("Users's init has completed successfully")
    server.RequestHandlerClass = make_handler(module, app_dir)
    sys.stdout.write("AZUREML_HARNESS_READY\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
