import { randomPackageRule } from '../../../src/analysis/synthetic-data';
import { runRuleTests } from '../rule-tester';

runRuleTests(randomPackageRule, {
  valid: [
    { code: "require('random-package');\nrequire('random-float2');\nrequire('random2-seed');\nrequire('eslint');" },
    { code: "import 'random';\nimport 'random-3';\nimport './node_modules/untest';" },
    { code: "import { faker } from '@faker-js/faker';", filename: 'src/seed.test.ts' },
    { code: "import Chance from 'chance';", filename: 'tests/factories.js' },
    { code: "import Chance from 'chance';", filename: 'tools/mock-server.js', settings: { exempt: ['tools/**'] } },
    { code: "const chance = require('./chance');", name: 'a local file named like a package' },
  ],
  invalid: [
    { code: "import { faker } from '@faker-js/faker';", errors: [{ messageId: 'imported', line: 1, column: 1 }] },
    { code: "import { fakerDE } from '@faker-js/faker/locale/de';", errors: [{ messageId: 'imported' }] },
    { code: "const faker = require('faker');", errors: [{ messageId: 'imported', column: 15 }] },
    { code: "const { Random } = await import('random-js');", errors: [{ messageId: 'imported' }] },
    { code: "import seedrandom from 'seedrandom';\nimport Mock from 'mockjs';\nimport casual from 'casual';", errors: [{ messageId: 'imported', line: 1 }, { messageId: 'imported', line: 2 }, { messageId: 'imported', line: 3 }] },
    { code: "import { randomNormal } from 'd3-random';", errors: [{ messageId: 'imported' }] },
    { code: "import normal from '@stdlib/random/base/normal';", errors: [{ messageId: 'imported' }] },
    { code: "import normal from '@stdlib/random-base-normal';", errors: [{ messageId: 'imported' }] },
    { code: "export { default } from 'chance';", errors: [{ messageId: 'imported' }] },
    { code: "require('\\x63hance');", name: 'an escaped specifier', errors: [{ messageId: 'imported' }] },
    { code: "import chance = require('chance');", errors: [{ messageId: 'imported' }] },
    { code: "require('./node_modules/unique-random');\nrequire('**/chance.js');", filename: 'src/case.js', errors: [{ messageId: 'imported', line: 1 }, { messageId: 'imported', line: 2 }] },
  ],
});
