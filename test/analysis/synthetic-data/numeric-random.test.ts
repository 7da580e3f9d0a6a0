import { numericRandomRule } from '../../../src/analysis/synthetic-data';
import { runRuleTests } from '../rule-tester';

runRuleTests(numericRandomRule, {
  valid: [
    { code: "import * as tf from '@tensorflow/tfjs';\ntf.tensor([1, 2, 3]);\ntf.zeros([2, 2]);" },
    { code: "import { mean, median } from 'simple-statistics';\nmean([1, 2]);\nmedian([1, 2]);" },
    { code: "const math = require('mathjs');\nmath.sqrt(4);" },
    { code: 'const tf = { randomNormal: () => [] };\ntf.randomNormal([2]);', name: 'a local object, not the library' },
    { code: "import * as tf from '@tensorflow/tfjs';\ntf.randomNormal([2, 2]);", filename: 'src/model.test.ts' },
  ],
  invalid: [
    { code: "import * as tf from '@tensorflow/tfjs';\nconst w = tf.randomNormal([784, 10]);", errors: [{ messageId: 'call', line: 2 }] },
    { code: "import * as tf from '@tensorflow/tfjs-node';\ntf.randomUniform([3]);\ntf.truncatedNormal([3]);", errors: [{ messageId: 'call', line: 2 }, { messageId: 'call', line: 3 }] },
    { code: "import { randomNormal } from '@tensorflow/tfjs';\nrandomNormal([2]);", errors: [{ messageId: 'call', line: 2 }] },
    { code: "const tf = require('@tensorflow/tfjs');\ntf.initializers.randomNormal({});", errors: [{ messageId: 'call' }] },
    { code: "const nj = require('numjs');\nnj.random([4, 3]);", errors: [{ messageId: 'call', line: 2 }] },
    { code: "import { random, randomInt } from 'mathjs';\nrandom();\nrandomInt(1, 6);", errors: [{ messageId: 'call', line: 2 }, { messageId: 'call', line: 3 }] },
    { code: "import { create, all } from 'mathjs';\nconst math = create(all, {});\nmath.random([2, 3]);", errors: [{ messageId: 'call', line: 3 }] },
    { code: "import * as ss from 'simple-statistics';\nss.sampleWithReplacement([1, 2, 3], 10);", errors: [{ messageId: 'call', line: 2 }] },
    { code: "import { Matrix } from 'ml-matrix';\nMatrix.rand(3, 3);", errors: [{ messageId: 'call', line: 2 }] },
    { code: "import * as d3 from 'd3';\nd3.randomNormal(0, 1)();", errors: [{ messageId: 'call', line: 2 }] },
    { code: "import _ from 'lodash';\n_.random(0, 5);", errors: [{ messageId: 'call', line: 2 }] },
  ],
});
