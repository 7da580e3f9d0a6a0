// IPv6 addresses in one spelling, shared by network targets (src/hooks/net-targets.ts) and the rules that name them.
import { primordials } from '../primordials';

const { StringPrototypeEndsWith, StringPrototypeIndexOf, StringPrototypeLastIndexOf, StringPrototypeSlice, StringSplit } = primordials;

const HEX = '0123456789abcdef';

function hexValue(group: string): number {
  let value = 0;
  for (let i = 0; i < group.length; i++) value = value * 16 + StringPrototypeIndexOf(HEX, group[i]);
  return value;
}

function hexText(value: number): string {
  let text = '';
  do {
    text = HEX[value % 16] + text;
    value = (value - (value % 16)) / 16;
  } while (value > 0);
  return text;
}

function groupsOf(part: string): string[] {
  return part === '' ? [] : StringSplit(part, ':');
}

/**
 * One spelling per IPv6 address (RFC 5952: lower case, no leading zeros, the longest run of zero groups as `::`),
 * without a zone id, and an IPv4-mapped address (`::ffff:7f00:1`, `0:0:0:0:0:ffff:127.0.0.1`) as its IPv4
 * address: the socket reaches the same host whatever the spelling, so a rule on `[::1]` or `127.0.0.1` must
 * meet them all (`::1%lo`, `0::1`, `::ffff:7f00:1` passed such deny rules until 2026-11-23). `name` is lower case
 * and `isIP` said 6.
 */
export function canonicalIPv6(name: string): string {
  const zone = StringPrototypeIndexOf(name, '%');
  let address = zone < 0 ? name : StringPrototypeSlice(name, 0, zone);
  const lastColon = StringPrototypeLastIndexOf(address, ':');
  const tail = StringPrototypeSlice(address, lastColon + 1);
  if (StringPrototypeIndexOf(tail, '.') >= 0) {
    const octets = StringSplit(tail, '.');
    const high = +octets[0] * 256 + +octets[1];
    const low = +octets[2] * 256 + +octets[3];
    address = `${StringPrototypeSlice(address, 0, lastColon + 1)}${hexText(high)}:${hexText(low)}`;
  }
  const halves = StringSplit(address, '::');
  const head = groupsOf(halves[0]);
  const rest = halves.length > 1 ? groupsOf(halves[1]) : [];
  const groups: number[] = [];
  for (let i = 0; i < head.length; i++) groups[groups.length] = hexValue(head[i]);
  for (let i = head.length + rest.length; i < 8; i++) groups[groups.length] = 0;
  for (let i = 0; i < rest.length; i++) groups[groups.length] = hexValue(rest[i]);
  if (groups.length !== 8) return name; // not what isIP accepts: leave it as given
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return `${(groups[6] - (groups[6] % 256)) / 256}.${groups[6] % 256}.${(groups[7] - (groups[7] % 256)) / 256}.${groups[7] % 256}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += '::';
      i += bestLength - 1;
      continue;
    }
    if (text !== '' && !StringPrototypeEndsWith(text, ':')) text += ':';
    text += hexText(groups[i]);
  }
  return text;
}
