// Compares captured references against the current property values: all of them on a timer, one at a
// time on the decision path. Each changed slot is reported once.
import { primordials } from '../primordials';

const { getOwnPropertyDescriptor, ownKeys, ArrayPrototypePush } = primordials;

export interface Tamper {
  label: string;
  detail: string;
}

interface Slot {
  owner: object;
  key: PropertyKey;
  value: unknown;
  label: string;
  reported: boolean;
}

export class IntegrityWatch {
  readonly #slots: Slot[] = [];
  readonly #onTamper: (tamper: Tamper) => void;
  #cursor = 0;

  constructor(onTamper: (tamper: Tamper) => void) {
    this.#onTamper = onTamper;
  }

  /** Watches `owner[key]`, expecting it to keep its current value. */
  watchSlot(owner: object, key: PropertyKey, label: string): void {
    ArrayPrototypePush(this.#slots, { owner, key, value: (owner as Record<PropertyKey, unknown>)[key], label, reported: false });
  }

  /** Watches every own function-valued slot of `owner` that is locked (non-writable, non-configurable). */
  watchLockedSlots(owner: object, label: string): void {
    const keys = ownKeys(owner);
    for (let i = 0; i < keys.length; i++) {
      const descriptor = getOwnPropertyDescriptor(owner, keys[i]);
      if (descriptor === undefined || descriptor.configurable !== false || descriptor.writable !== false) continue;
      if (typeof descriptor.value !== 'function') continue;
      this.watchSlot(owner, keys[i], `${label}.${String(keys[i])}`);
    }
  }

  get size(): number {
    return this.#slots.length;
  }

  /** Checks the next slot in turn. */
  step(): void {
    const slots = this.#slots;
    if (slots.length === 0) return;
    if (this.#cursor >= slots.length) this.#cursor = 0;
    this.#checkSlot(slots[this.#cursor++]);
  }

  checkAll(): void {
    for (let i = 0; i < this.#slots.length; i++) this.#checkSlot(this.#slots[i]);
  }

  #checkSlot(slot: Slot): void {
    // A plain read first: no allocation on the decision path; the descriptor only once something differs.
    if (slot.reported || (slot.owner as Record<PropertyKey, unknown>)[slot.key] === slot.value) return;
    const descriptor = getOwnPropertyDescriptor(slot.owner, slot.key);
    if (descriptor !== undefined && descriptor.value === slot.value) return;
    slot.reported = true;
    this.#onTamper({ label: slot.label, detail: descriptor === undefined ? 'removed' : 'replaced' });
  }
}
