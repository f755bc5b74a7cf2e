// A collection made append-only after it was written as a regular one (the audit trails, kept in
// lowdb shard files before they moved to daily logs): its regular records are moved into the day
// logs at open, each group one journal line that appends the records and deletes them from the
// shards, so a crash midway leaves every record in exactly one place (the appends are marked
// maybe-written: a checkpoint leaves out what a log already holds). Expired records are dropped,
// and a key without a date stays a regular record (logged): it has no day to go to.
import { AppendOnlyRules } from './append-only-rules.ts';
import type { JournalChange } from './journal-line.ts';
import type { JournalStoreLogger } from './journal-store-options.ts';
import { isLive } from './partition-record.ts';
import type { StoreState } from './store-state.ts';

const GROUP_CHANGES = 1000;

/** The journal lines that move every regular record of `rules`' collections to its day log. */
export function moveToDayLogs(
  state: StoreState,
  rules: AppendOnlyRules,
  now: number,
  logger?: JournalStoreLogger,
): JournalChange[][] {
  const groups: JournalChange[][] = [];
  let group: JournalChange[] = [];
  for (const { partition, collection, table } of [...state.collections()]) {
    if (!rules.has(collection) || table.size === 0) continue;
    let undated = 0;
    for (const [key, record] of [...table.entries()]) {
      const day = AppendOnlyRules.dayOf(key);
      if (!day) {
        undated += 1;
        continue;
      }
      group.push({ kind: 'delete', partition, collection, key });
      if (isLive(record, now)) {
        const json = JSON.stringify(record.value);
        const { value } = record;
        group.push({
          kind: 'append',
          partition,
          collection,
          key,
          day,
          value,
          json,
          maybeWritten: true,
        });
      }
      if (group.length >= GROUP_CHANGES) [groups[groups.length], group] = [group, []];
    }
    if (undated > 0) {
      logger?.info(
        { partition, collection, records: undated },
        'append-only collection holds records whose key has no date; they stay as they are',
      );
    }
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
