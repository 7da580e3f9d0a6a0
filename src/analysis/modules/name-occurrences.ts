// Every place an identifier of one name occurs in a tree, with the node that holds it and under which key, for
// scope-free scans that must tell a declaration or a write from a read. Member expressions on the name
// (`o.x`) are given with their own holder too, so `o.x = 1` can be told from `o.x`.
import type * as t from '@babel/types';
import { walk } from './walk';

export interface Holder {
  parent: t.Node;
  key: string;
}

export interface Occurrence extends Holder {
  node: t.Identifier;
}

export interface NameOccurrences {
  occurrences: Occurrence[];
  /** Holders of the member expressions whose object is one of the occurrences. */
  memberHolders: Map<t.Node, Holder>;
}

function isNamed(value: unknown, name: string): value is t.Identifier {
  return (value as t.Node | null)?.type === 'Identifier' && (value as t.Identifier).name === name;
}

function isMemberOn(value: unknown, name: string): value is t.MemberExpression | t.OptionalMemberExpression {
  const type = (value as t.Node | null)?.type;
  return (type === 'MemberExpression' || type === 'OptionalMemberExpression') && isNamed((value as t.MemberExpression).object, name);
}

/** Every identifier `name` below `root` (one walk over the tree; meant for the few files a scan cannot settle otherwise). */
export function occurrencesOf(root: t.Node, name: string): NameOccurrences {
  const found: NameOccurrences = { occurrences: [], memberHolders: new Map() };
  const look = (parent: t.Node, key: string, value: unknown): void => {
    if (isNamed(value, name)) found.occurrences.push({ node: value, parent, key });
    else if (isMemberOn(value, name)) found.memberHolders.set(value, { parent, key });
  };
  walk(root, (parent) => {
    for (const key in parent) {
      const value: unknown = parent[key as keyof t.Node];
      if (Array.isArray(value)) for (const item of value) look(parent, key, item);
      else look(parent, key, value);
    }
  });
  return found;
}
