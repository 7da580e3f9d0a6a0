import { pseudoRandomBytesRule } from '../../../src/analysis/synthetic-data';
import { runRuleTests } from '../rule-tester';

runRuleTests(pseudoRandomBytesRule, {
  valid: [
    { code: 'crypto.randomBytes(8);' },
    { code: 'cryptos.pseudoRandomBytes();\npseudoRandomBytes();\npseudoRandomByte();\ncryptos.pseudoRondomBytes();' },
    { code: 'function pseudoRandomBytes() {}\npseudoRandomBytes();' },
    { code: 'const crypto = { pseudoRandomBytes() {} };\ncrypto.pseudoRandomBytes();', name: 'a local object named crypto' },
    { code: 'import { pseudoRandomBytes } from "./my-bytes";\npseudoRandomBytes(4);' },
    { code: 'require("crypto").pseudoRandomBytes(4);', filename: 'test/bytes.js' },
  ],
  invalid: [
    { code: 'crypto.pseudoRandomBytes', errors: [{ messageId: 'use', line: 1, column: 1 }] },
    { code: 'crypto.pseudoRandomBytes(16);', errors: [{ messageId: 'use' }] },
    { code: 'const c = require("crypto");\nc.pseudoRandomBytes(16);', errors: [{ messageId: 'use', line: 2 }] },
    { code: 'require("node:crypto").pseudoRandomBytes(16);', errors: [{ messageId: 'use' }] },
    { code: 'import * as nodeCrypto from "node:crypto";\nnodeCrypto["pseudoRandomBytes"](16);', errors: [{ messageId: 'use', line: 2 }] },
    { code: 'import { pseudoRandomBytes as prb } from "crypto";\nprb(16);', errors: [{ messageId: 'use', line: 2 }] },
    { code: 'const { pseudoRandomBytes } = require("crypto");\npseudoRandomBytes(16);', errors: [{ messageId: 'use', line: 2 }] },
    { code: 'const p = crypto.pseudoRandomBytes;\np(16);', name: 'an alias is reported once, where it is called', errors: [{ messageId: 'use', line: 2 }] },
    { code: 'function notCrypto(): Crypto {\n  return crypto;\n}\nnotCrypto().pseudoRandomBytes();', errors: [{ messageId: 'use', line: 4 }] },
  ],
});
