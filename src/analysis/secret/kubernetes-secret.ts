import { anchorsOf, MARKERS } from './anchors';
import { isPlaceholder, isReference } from './placeholders';
import type { SecretFinder, SecretSpan } from './types';

// Kubernetes Secret manifests with values under `data:` or `stringData:` (base64 or plain).
// A manifest must say `kind: Secret`; template expressions and empty values are not secrets.

const KIND_SECRET = /kind:[ \t]*["']?secret["']?[ \t]*(?:\r?\n|$)/iy;
const DATA_SECTION = /^([ \t]*)(?:data|stringData):[ \t]*$/gm;
const ENTRY = /^([ \t]+)([\w.-]+):[ \t]*(.*)$/;
const MIN_VALUE_LENGTH = 10;

export const kubernetesSecretFinder: SecretFinder = {
  id: 'kubernetes-secret-yaml',
  label: 'value in a Kubernetes Secret manifest',
  find(text: string): SecretSpan[] {
    if (!anchorsOf(text).folded(MARKERS.kind).some((start) => isKindSecret(text, start))) return [];
    const spans: SecretSpan[] = [];
    for (const section of text.matchAll(DATA_SECTION)) {
      spans.push(...sectionValues(text, section.index + section[0].length + 1, section[1]!.length));
    }
    return spans;
  },
};

/** `kind: Secret` at `start`, alone on its line. */
function isKindSecret(text: string, start: number): boolean {
  KIND_SECRET.lastIndex = start;
  if (!KIND_SECRET.test(text)) return false;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  return text.slice(lineStart, start).trim() === '';
}

/** Values of the entries indented deeper than the section header, starting at `offset`. */
function sectionValues(text: string, offset: number, headerIndent: number): SecretSpan[] {
  const spans: SecretSpan[] = [];
  let lineStart = offset;
  while (lineStart < text.length) {
    const lineEnd = text.indexOf('\n', lineStart) === -1 ? text.length : text.indexOf('\n', lineStart);
    const line = text.slice(lineStart, lineEnd);
    const entry = ENTRY.exec(line);
    if (line.trim() === '' || line.trim().startsWith('#')) {
      lineStart = lineEnd + 1;
      continue;
    }
    if (!entry || entry[1]!.replace(/\t/g, '    ').length <= headerIndent) break;
    const valueText = entry[3]!.trim();
    let value = valueText.replace(/^["']|["']$/g, '');
    let valueStart = lineStart + line.indexOf(valueText) + (valueText !== value ? 1 : 0);
    if (value === '|' || value === '>' || value === '|-' || value === '>-') {
      const nextStart = lineEnd + 1;
      const nextEnd = text.indexOf('\n', nextStart) === -1 ? text.length : text.indexOf('\n', nextStart);
      const next = text.slice(nextStart, nextEnd);
      value = next.trim();
      valueStart = nextStart + next.indexOf(value);
    }
    if (value.length >= MIN_VALUE_LENGTH && !isReference(value) && !isPlaceholder(value)) {
      spans.push({ start: valueStart, end: valueStart + value.length, secret: value });
    }
    lineStart = lineEnd + 1;
  }
  return spans;
}
