// Writes schema/governance.config.schema.json from the zod schema, so editors and other tools can validate configs.
'use strict';
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { z } = require('zod');
const { configSchema } = require('../dist/src/rules/schema.js');

const schema = {
  ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
  $id: 'https://mltrainer.dev/schemas/governance.config.schema.json',
  title: '@mltrainer/governance config',
};
const dir = join(__dirname, '..', 'schema');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'governance.config.schema.json'), JSON.stringify(schema, null, 2) + '\n');
