"""The pipeline lifecycle from boto3 and from the AWS CLI (its put-pipeline-definition reads the definition file
format and translates it into API objects) against `npm start`. Run by .ci/run when boto3 is installed; the CLI
part when the `aws` command is installed too."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import boto3

from local_endpoint import ROOT, LocalEndpoint

SAMPLES = os.path.join(ROOT, "test", "fixtures", "definitions")
DEFINITION_FILE = {
    "objects": [
        {"id": "Default", "scheduleType": "ondemand", "workerGroup": "wg", "failureAndRerunMode": "CASCADE"},
        {"id": "Hello", "name": "Say hello", "type": "ShellCommandActivity", "command": "echo #{myGreeting}",
         "scriptArgument": ["a", "b"], "dependsOn": {"ref": "Setup"}},
        {"id": "Setup", "type": "ShellCommandActivity", "command": "true"},
    ],
    "parameters": [{"id": "myGreeting", "type": "String", "default": "hello"}],
    "values": {"myGreeting": "hi"},
}


class Boto3Lifecycle(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = LocalEndpoint()
        cls.dp = boto3.client("datapipeline", endpoint_url=cls.server.api, region_name="us-east-1",
                              aws_access_key_id="AKIABOTO3LIFECYCLE01", aws_secret_access_key="x")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_create_define_get_describe_list_delete(self):
        dp = self.dp
        pipeline_id = dp.create_pipeline(name="boto", uniqueId="boto-1", tags=[{"key": "k", "value": "v"}])["pipelineId"]
        self.assertRegex(pipeline_id, r"^df-[A-Z0-9]{20}$")
        self.assertEqual(dp.create_pipeline(name="boto", uniqueId="boto-1")["pipelineId"], pipeline_id)
        objects = [
            {"id": "Default", "name": "Default", "fields": [{"key": "scheduleType", "stringValue": "ondemand"},
                                                             {"key": "workerGroup", "stringValue": "wg"}]},
            {"id": "A", "name": "A", "fields": [{"key": "type", "stringValue": "ShellCommandActivity"},
                                                 {"key": "command", "stringValue": "echo a"}]},
        ]
        put = dp.put_pipeline_definition(pipelineId=pipeline_id, pipelineObjects=objects)
        self.assertEqual((put["errored"], put["validationErrors"]), (False, []))
        got = dp.get_pipeline_definition(pipelineId=pipeline_id)
        self.assertEqual(got["pipelineObjects"], objects)
        dp.activate_pipeline(pipelineId=pipeline_id)
        described = dp.describe_pipelines(pipelineIds=[pipeline_id])["pipelineDescriptionList"][0]
        fields = {f["key"]: f["stringValue"] for f in described["fields"]}
        self.assertEqual(fields["@pipelineState"], "SCHEDULED")
        self.assertEqual(fields["@userId"], "AKIABOTO3LIFECYCLE01")
        self.assertEqual(described["tags"], [{"key": "k", "value": "v"}])
        listed = dp.list_pipelines()
        self.assertIn({"id": pipeline_id, "name": "boto"}, listed["pipelineIdList"])
        self.assertRegex(listed["ResponseMetadata"]["RequestId"], r"^[0-9a-f-]{36}$")
        dp.delete_pipeline(pipelineId=pipeline_id)
        dp.delete_pipeline(pipelineId=pipeline_id)
        with self.assertRaises(dp.exceptions.PipelineDeletedException):
            dp.describe_pipelines(pipelineIds=[pipeline_id])
        with self.assertRaises(dp.exceptions.PipelineNotFoundException):
            dp.get_pipeline_definition(pipelineId="df-NOSUCHPIPELINE0000")
        with self.assertRaises(dp.exceptions.InvalidRequestException):
            dp.add_tags(pipelineId=dp.create_pipeline(name="t", uniqueId="t")["pipelineId"], tags=[{"key": "aws:x", "value": "v"}])

    def test_the_paginator_walks_every_page(self):
        dp = boto3.client("datapipeline", endpoint_url=self.server.api, region_name="us-east-1",
                          aws_access_key_id="AKIABOTO3PAGES000001", aws_secret_access_key="x")
        created = {dp.create_pipeline(name=f"p{i}", uniqueId=f"u{i}")["pipelineId"] for i in range(55)}
        pages = list(dp.get_paginator("list_pipelines").paginate())
        self.assertEqual([len(p["pipelineIdList"]) for p in pages], [50, 5])
        self.assertEqual({p["id"] for page in pages for p in page["pipelineIdList"]}, created)


@unittest.skipUnless(shutil.which("aws"), "the AWS CLI is not installed")
class AwsCliLifecycle(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = LocalEndpoint()
        cls.env = {**os.environ, "AWS_ACCESS_KEY_ID": "AKIAAWSCLI0000000001", "AWS_SECRET_ACCESS_KEY": "x",
                   "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}
        cls.env.pop("AWS_PROFILE", None)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def aws(self, *args):
        out = subprocess.run(["aws", "datapipeline", *args, "--endpoint-url", self.server.api, "--output", "json"],
                             env=self.env, capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout) if out.stdout.strip() else None

    def test_a_definition_file_round_trips_through_the_cli(self):
        pipeline_id = self.aws("create-pipeline", "--name", "cli", "--unique-id", "cli-1")["pipelineId"]
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(DEFINITION_FILE, f)
        try:
            put = self.aws("put-pipeline-definition", "--pipeline-id", pipeline_id, "--pipeline-definition", f"file://{f.name}")
        finally:
            os.unlink(f.name)
        self.assertEqual(put["errored"], False)
        got = self.aws("get-pipeline-definition", "--pipeline-id", pipeline_id)
        # The CLI translates the answer back into the file format: the same objects, parameters and values.
        self.assertEqual(sorted(got["objects"], key=lambda o: o["id"]),
                         sorted([{"name": o.get("name", o["id"]), **o} for o in DEFINITION_FILE["objects"]], key=lambda o: o["id"]))
        self.assertEqual(got["parameters"], DEFINITION_FILE["parameters"])
        self.assertEqual(got["values"], DEFINITION_FILE["values"])
        self.assertIn({"id": pipeline_id, "name": "cli"}, self.aws("list-pipelines")["pipelineIdList"])
        described = self.aws("describe-pipelines", "--pipeline-ids", pipeline_id)["pipelineDescriptionList"][0]
        self.assertEqual(described["name"], "cli")
        self.aws("activate-pipeline", "--pipeline-id", pipeline_id)
        self.aws("delete-pipeline", "--pipeline-id", pipeline_id)
        self.assertNotIn(pipeline_id, [p["id"] for p in self.aws("list-pipelines")["pipelineIdList"]])

    def test_the_walkthrough_parameter_values_without_parameter_objects(self):
        """AWS's published walkthrough: a definition file that declares no parameters, put with --parameter-values,
        answers errored: False; activated, its task carries the values, and list-runs shows the run (issue 18)."""
        definition = {"objects": [
            {"id": "Default", "scheduleType": "ondemand", "workerGroup": "cli-walkthrough"},
            {"id": "CopyLogs", "type": "ShellCommandActivity", "command": "aws s3 cp #{myS3LogsPath} #{myRdsEndpoint}"},
        ]}
        pipeline_id = self.aws("create-pipeline", "--name", "walkthrough", "--unique-id", "cli-walkthrough")["pipelineId"]
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(definition, f)
        try:
            put = self.aws("put-pipeline-definition", "--pipeline-id", pipeline_id, "--pipeline-definition", f"file://{f.name}",
                           "--parameter-values", "myS3LogsPath=s3://my-logs/", "myRdsEndpoint=db.example.com")
        finally:
            os.unlink(f.name)
        self.assertEqual(put["errored"], False, put)
        self.aws("activate-pipeline", "--pipeline-id", pipeline_id)
        dp = boto3.client("datapipeline", endpoint_url=self.server.api, region_name="us-east-1",
                          aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"], aws_secret_access_key="x")
        task = dp.poll_for_task(workerGroup="cli-walkthrough", hostname="cli-host")["taskObject"]
        attempt = task["objects"][task["attemptId"]]
        self.assertIn({"key": "command", "stringValue": "aws s3 cp s3://my-logs/ db.example.com"}, attempt["fields"])
        dp.set_task_status(taskId=task["taskId"], taskStatus="FINISHED")
        runs = subprocess.run(["aws", "datapipeline", "list-runs", "--pipeline-id", pipeline_id, "--endpoint-url", self.server.api],
                              env=self.env, capture_output=True, text=True, timeout=60)
        self.assertEqual(runs.returncode, 0, runs.stderr)
        self.assertTrue(any("CopyLogs" in line and "FINISHED" in line for line in runs.stdout.splitlines()), runs.stdout)

    @unittest.skipUnless(os.path.isdir(SAMPLES), "test/fixtures/definitions is missing")
    def test_the_real_definitions_are_accepted_without_errors(self):
        def has_objects(path):
            with open(path) as f:
                return "objects" in json.load(f)
        for name in sorted(os.listdir(SAMPLES)):
            if not name.endswith(".json") or not has_objects(os.path.join(SAMPLES, name)):
                continue
            with self.subTest(definition=name):
                pipeline_id = self.aws("create-pipeline", "--name", name, "--unique-id", name)["pipelineId"]
                args = ["put-pipeline-definition", "--pipeline-id", pipeline_id, "--pipeline-definition",
                        f"file://{os.path.join(SAMPLES, name)}"]
                parameters = os.path.join(SAMPLES, name.split("--")[0] + "--parameters.json")
                if os.path.exists(parameters) and parameters != os.path.join(SAMPLES, name):
                    args += ["--parameter-objects", f"file://{parameters}"]
                put = self.aws(*args)
                self.assertEqual((put["errored"], put.get("validationErrors", [])), (False, []))


if __name__ == "__main__":
    unittest.main()
