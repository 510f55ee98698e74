/** The tools and tests that start the local endpoint themselves run what `npm start` runs (local/program.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_PROGRAM_ENV, localProgramArgs } from '../../local/program';

it("package.json's start script sets LOCAL_PROGRAM_ENV and execs node with localProgramArgs", () => {
  const start = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start;
  const env = Object.entries(LOCAL_PROGRAM_ENV)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  expect(start).toBe(`${env} exec node ${localProgramArgs().join(' ')}`);
});
