/**
 * `npx tsx tools/guide-examples.ts [GUIDE_DIR]`: extracts the example definitions of the Developer Guide pages
 * (their JSON code blocks: objects, lists of objects, or whole definition files) into
 * test/fixtures/guide-examples.json, which test/integration/guide-examples.test.ts walks. GUIDE_DIR defaults to
 * ../shared/reference/guide. The guide's sample code is under its modified MIT licence (the guide's
 * LICENSE-SAMPLECODE); the fixture names the page each example comes from.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GuideExample {
  readonly page: string;
  /** The code block's number on its page, from 1. */
  readonly block: number;
  /** The objects, as the definition file format writes them; for an expression block, an activity whose command it is. */
  readonly objects: Record<string, unknown>[];
}

/** A code block that is one expression (dp-pipeline-expressions writes some so) becomes an activity's command. */
const EXPRESSION = /^#\{.*\}$/;

/** A code block's JSON objects: a whole file (`{"objects": [...]}`), one object, or several separated by commas. */
export const objectsOfBlock = (text: string): Record<string, unknown>[] | undefined => {
  const trimmed = text.trim().replace(/,\s*$/, '');
  for (const candidate of [trimmed, `[${trimmed}]`]) {
    try {
      const parsed = JSON.parse(candidate) as unknown;
      const list = Array.isArray(parsed)
        ? parsed
        : typeof parsed === 'object' && parsed !== null && 'objects' in parsed
          ? (parsed as { objects: unknown[] }).objects
          : [parsed];
      const objects = list.filter((o): o is Record<string, unknown> => typeof o === 'object' && o !== null && !Array.isArray(o));
      if (objects.length > 0 && objects.every((o) => 'id' in o || 'name' in o)) return objects;
    } catch {
      // not JSON as written: a shell session or an expression
    }
  }
  return undefined;
};

export const extract = (dir: string): GuideExample[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .flatMap((page) => {
      const blocks = readFileSync(join(dir, page), 'utf8')
        .split(/^```.*$/m)
        .filter((_, i) => i % 2 === 1);
      return blocks.flatMap((text, i) => {
        const expression = EXPRESSION.test(text.trim()) ? text.trim() : undefined;
        const objects = expression ? [{ id: 'Expression', type: 'ShellCommandActivity', command: `echo ${expression}` }] : objectsOfBlock(text);
        return objects ? [{ page, block: i + 1, objects }] : [];
      });
    });

if (require.main === module) {
  const dir = process.argv[2] ?? join(__dirname, '..', '..', 'shared', 'reference', 'guide');
  const examples = extract(dir);
  writeFileSync(join(__dirname, '..', 'test', 'fixtures', 'guide-examples.json'), `${JSON.stringify(examples, null, 1)}\n`);
  console.log(`${examples.length} examples from ${new Set(examples.map((e) => e.page)).size} pages`);
}
