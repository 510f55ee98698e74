"""boto3 signs for execute-api through the helper (run by .ci/run when boto3 is installed)."""
import http.server
import threading
import unittest

import boto3

import execute_api_signing

HOST = "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"


class Capture(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        Capture.seen.append(dict(self.headers))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


class ExecuteApiSigning(unittest.TestCase):
    def call(self, endpoint, register):
        server = http.server.HTTPServer(("127.0.0.1", 0), Capture)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        client = boto3.client("datapipeline", endpoint_url=endpoint, region_name="eu-west-1",
                              aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
        if register:
            execute_api_signing.register(client)
        port = server.server_address[1]

        def redirect(request, **kwargs):  # after signing: deliver to the capture server
            request.url = request.url.replace(f"https://{HOST}", f"http://127.0.0.1:{port}")

        client.meta.events.register("before-send.data-pipeline.*", redirect)
        try:
            client.set_task_status(taskId="t", taskStatus="FINISHED")
        finally:
            server.shutdown()
            server.server_close()
        return Capture.seen[-1]["Authorization"]

    def test_api_gateway_url_is_signed_for_execute_api(self):
        self.assertIn("/eu-west-1/execute-api/aws4_request", self.call(f"https://{HOST}/v1", True))

    def test_without_the_helper_botocore_signs_for_datapipeline(self):
        self.assertIn("/eu-west-1/datapipeline/aws4_request", self.call(f"https://{HOST}/v1", False))


if __name__ == "__main__":
    unittest.main()
