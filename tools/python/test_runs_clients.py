"""The task runner's loop from boto3 (PollForTask, ReportTaskProgress, SetTaskStatus, heartbeats) against
`npm start`, and `aws datapipeline list-runs` showing the run. Run by .ci/run when boto3 is installed; the CLI
part when the `aws` command is installed too."""
import os
import shutil
import subprocess
import unittest

import boto3

from local_endpoint import LocalEndpoint

KEY = "AKIABOTO3RUNS0000001"
OBJECTS = [
    {"id": "Default", "name": "Default", "fields": [{"key": "scheduleType", "stringValue": "ondemand"},
                                                     {"key": "workerGroup", "stringValue": "py-workers"}]},
    {"id": "Fetch", "name": "Fetch", "fields": [{"key": "type", "stringValue": "ShellCommandActivity"},
                                                 {"key": "command", "stringValue": "echo fetch"}]},
    {"id": "Load", "name": "Load", "fields": [{"key": "type", "stringValue": "ShellCommandActivity"},
                                               {"key": "command", "stringValue": "echo load"},
                                               {"key": "dependsOn", "refValue": "Fetch"}]},
]


class Boto3RunsTheLoop(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = LocalEndpoint()
        cls.dp = boto3.client("datapipeline", endpoint_url=cls.server.api, region_name="us-east-1",
                              aws_access_key_id=KEY, aws_secret_access_key="x")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_poll_report_finish_then_list_runs(self):
        dp = self.dp
        pipeline_id = dp.create_pipeline(name="py-run", uniqueId="py-run")["pipelineId"]
        self.assertFalse(dp.put_pipeline_definition(pipelineId=pipeline_id, pipelineObjects=OBJECTS)["errored"])
        dp.activate_pipeline(pipelineId=pipeline_id)
        self.assertEqual(dp.report_task_runner_heartbeat(taskrunnerId="py-runner", workerGroup="py-workers")["terminate"], False)
        ran = []
        for _ in range(2):
            task = dp.poll_for_task(workerGroup="py-workers", hostname="py-host")["taskObject"]
            attempt = task["objects"][task["attemptId"]]
            command = next(f["stringValue"] for f in attempt["fields"] if f["key"] == "command")
            self.assertEqual(dp.report_task_progress(taskId=task["taskId"])["canceled"], False)
            ran.append(command)
            dp.set_task_status(taskId=task["taskId"], taskStatus="FINISHED")
        self.assertEqual(ran, ["echo fetch", "echo load"])
        ids = dp.query_objects(pipelineId=pipeline_id, sphere="INSTANCE")["ids"]
        described = dp.describe_objects(pipelineId=pipeline_id, objectIds=ids)["pipelineObjects"]
        statuses = {o["id"].split("_")[0]: next(f["stringValue"] for f in o["fields"] if f["key"] == "@status") for o in described}
        self.assertEqual(statuses, {"@Fetch": "FINISHED", "@Load": "FINISHED"})
        if shutil.which("aws"):
            env = {**os.environ, "AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1",
                   "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}
            out = subprocess.run(["aws", "datapipeline", "list-runs", "--pipeline-id", pipeline_id, "--endpoint-url", self.server.api],
                                 env=env, capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            lines = [line for line in out.stdout.splitlines() if line.strip()]
            for name in ("Fetch", "Load"):
                self.assertTrue(any(name in line and "FINISHED" in line for line in lines), out.stdout)


if __name__ == "__main__":
    unittest.main()
