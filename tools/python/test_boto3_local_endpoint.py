"""botocore, a second SDK, against the local endpoint: `npm start` in a child process, tasks from `npm run seed`.
Run by .ci/run when boto3 is installed (python3 -m unittest discover -s tools/python)."""
import json
import os
import subprocess
import unittest

import boto3

from local_endpoint import ROOT, LocalEndpoint


class Boto3AgainstLocalEndpoint(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = LocalEndpoint()
        cls.api, cls.dynamodb = cls.server.api, cls.server.dynamodb
        cls.client = boto3.client("datapipeline", endpoint_url=cls.api, region_name="us-east-1",
                                  aws_access_key_id="local", aws_secret_access_key="local")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def seed(self, *args):
        out = subprocess.run(["npm", "run", "seed", "--silent", "--", *args], cwd=ROOT, check=True, text=True,
                             capture_output=True, timeout=60, env={**os.environ, "DYNAMODB_ENDPOINT": self.dynamodb})
        return [json.loads(line) for line in out.stdout.splitlines()]

    def test_success_has_status_200_and_a_request_id(self):
        task = self.seed("--pipelines", "1")[0]
        response = self.client.set_task_status(taskId=task["taskId"], taskStatus="FAILED", errorMessage="x")
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertRegex(response["ResponseMetadata"]["RequestId"], r"^[0-9a-f-]{36}$")

    def test_modeled_errors_arrive_as_their_exception_classes(self):
        missing = self.seed("--pipelines", "0", "--missing-pipelines", "1")[0]
        deleted = self.seed("--pipelines", "0", "--deleted-pipelines", "1")[0]
        cases = [
            ({"taskId": "no-such-task", "taskStatus": "FINISHED"}, self.client.exceptions.TaskNotFoundException),
            ({"taskId": missing["taskId"], "taskStatus": "FINISHED"}, self.client.exceptions.PipelineNotFoundException),
            ({"taskId": deleted["taskId"], "taskStatus": "FINISHED"}, self.client.exceptions.PipelineDeletedException),
            ({"taskId": "t", "taskStatus": "DONE"}, self.client.exceptions.InvalidRequestException),
        ]
        for params, exception in cases:
            with self.subTest(exception=exception.__name__):
                with self.assertRaises(exception) as raised:
                    self.client.set_task_status(**params)
                error = raised.exception.response
                self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 400)
                self.assertTrue(error["Error"]["Message"])
                self.assertRegex(error["ResponseMetadata"]["RequestId"], r"^[0-9a-f-]{36}$")

    def test_a_conflicting_status_names_the_current_one(self):
        task = self.seed("--pipelines", "1")[0]
        self.client.set_task_status(taskId=task["taskId"], taskStatus="FINISHED")
        with self.assertRaises(self.client.exceptions.InvalidRequestException) as raised:
            self.client.set_task_status(taskId=task["taskId"], taskStatus="FAILED")
        self.assertIn("FINISHED", raised.exception.response["Error"]["Message"])


if __name__ == "__main__":
    unittest.main()
